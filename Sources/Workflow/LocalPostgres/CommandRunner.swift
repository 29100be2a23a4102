import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion, either as the current user or, when we are root,
/// as the system user PostgreSQL must run as (it refuses to run as root).
struct CommandRunner: Sendable {
    /// What a finished program left behind.
    struct Result: Sendable {
        let status: Int32
        let output: String
        let errorOutput: String

        var succeeded: Bool { status == 0 }
        /// Both streams, for error messages.
        var combined: String {
            [output, errorOutput].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }.joined(separator: "\n")
        }
    }

    /// The system user commands run as, or nil for the current user.
    let systemUser: String?
    /// The environment of every command: ours without `PG*` variables, so a stray
    /// `PGHOST` or `PGDATA` cannot point a tool at another server.
    let environment: [String: String]

    init(systemUser: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.systemUser = systemUser
        self.environment = environment.filter { !$0.key.hasPrefix("PG") }
    }

    /// A runner for this process: as root, commands run as `postgres`.
    static func forCurrentUser(environment: [String: String]) throws -> CommandRunner {
        guard geteuid() == 0 else { return CommandRunner(systemUser: nil, environment: environment) }
        guard getpwnam("postgres") != nil else {
            throw LocalPostgresError(.systemUserMissing, """
                PostgreSQL refuses to run as root, and there is no `postgres` system user to run it as. \
                Install the server with `apt-get install -y postgresql` (it creates that user), \
                or run Parcours as an ordinary user.
                """)
        }
        return CommandRunner(systemUser: "postgres", environment: environment)
    }

    /// Runs `arguments` (a program, absolute or found on PATH, and its arguments) and waits for it.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid`, its output captured in
    /// temporary files, and every descriptor above 2 closed in the child. Foundation's
    /// `Process` is not used: on Linux it learns that a child exited when a socket it hands
    /// the child closes, and a program that leaves a daemon behind (`pg_ctl start`) passes
    /// that socket on to the server, so `waitUntilExit` would never return
    /// (swift-corelibs-foundation issue 4795). Files, unlike pipes, never block on a
    /// daemon that keeps them open either.
    func run(_ arguments: [String]) throws -> Result {
        let argv = try wrapped(arguments)
        let output = try CapturedOutput()
        defer { output.remove() }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output.outputDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, output.errorDescriptor, 2)
        GlibcSpawnExtensions.closeDescriptors(from: 3, in: &actions)
        // The system user may not enter our working folder (often /root): start from /.
        GlibcSpawnExtensions.changeDirectory(to: "/", in: &actions)

        let environmentLines = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let spawned = Self.withCStrings(argv) { argvPointers in
            Self.withCStrings(environmentLines) { environmentPointers in
                posix_spawn(&pid, argv[0], &actions, nil, argvPointers, environmentPointers)
            }
        }
        guard spawned == 0 else {
            throw LocalPostgresError(.commandFailed, "could not run \(argv.joined(separator: " ")): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw LocalPostgresError(.commandFailed, "lost track of \(argv[0]): \(String(cString: strerror(errno)))")
            }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitCode, output: output.output(), errorOutput: output.errors())
    }

    /// Calls `body` with a NULL-terminated C array of the strings, valid during the call.
    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }

    /// The command line that runs `arguments` as the right user.
    private func wrapped(_ arguments: [String]) throws -> [String] {
        guard let user = systemUser else {
            return [try Self.resolve(arguments[0], environment: environment)] + arguments.dropFirst()
        }
        if let runuser = Self.firstExecutable(["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]) {
            return [runuser, "-u", user, "--"] + arguments
        }
        if let su = Self.firstExecutable(["/usr/bin/su", "/bin/su"]) {
            let command = arguments.map(Self.shellQuoted).joined(separator: " ")
            return [su, user, "-s", "/bin/sh", "-c", command]
        }
        throw LocalPostgresError(.commandFailed, """
            running as root, but neither runuser nor su is available to run PostgreSQL as `\(user)`; \
            install util-linux (`apt-get install -y util-linux`) or run as an ordinary user
            """)
    }

    /// `name` itself when it is a path, else the first match on PATH.
    static func resolve(_ name: String, environment: [String: String]) throws -> String {
        if name.contains("/") { return name }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw LocalPostgresError(.commandFailed, "`\(name)` is not on PATH (\(path))")
    }

    static func firstExecutable(_ candidates: [String]) -> String? {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Quotes one word for /bin/sh: inside single quotes, only `'` needs care.
    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Two temporary files that receive a child's standard output and error.
private struct CapturedOutput {
    let outputPath: String
    let errorPath: String
    let outputDescriptor: Int32
    let errorDescriptor: Int32

    init() throws {
        let folder = FileManager.default.temporaryDirectory.path
        let stem = "parcours-command-\(getpid())-\(UUID().uuidString)"
        outputPath = "\(folder)/\(stem).out"
        errorPath = "\(folder)/\(stem).err"
        outputDescriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        errorDescriptor = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard outputDescriptor >= 0, errorDescriptor >= 0 else {
            throw LocalPostgresError(.commandFailed, "cannot create temporary files in \(folder): \(String(cString: strerror(errno)))")
        }
    }

    func output() -> String { read(outputPath) }
    func errors() -> String { read(errorPath) }

    func remove() {
        close(outputDescriptor)
        close(errorDescriptor)
        unlink(outputPath)
        unlink(errorPath)
    }

    private func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` and `…_addchdir_np` (2.34 and 2.29),
/// which Swift's Glibc module does not import (they need _GNU_SOURCE): looked up once by
/// name, and skipped where the C library lacks them.
private enum GlibcSpawnExtensions {
    private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    nonisolated(unsafe) private static let closefrom: AddClosefrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    nonisolated(unsafe) private static let chdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

    static func closeDescriptors(from lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
        _ = closefrom?(&actions, lowest)
    }

    static func changeDirectory(to path: String, in actions: inout posix_spawn_file_actions_t) {
        _ = path.withCString { chdir?(&actions, $0) }
    }

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
