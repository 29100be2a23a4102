import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a project's cluster lives: one folder holding `data/`, `socket/` and `server.log`.
struct ClusterLocation: Sendable, Hashable {
    /// The folder of the whole cluster.
    let clusterDirectory: URL
    /// True when the cluster was moved under the `postgres` user's home because that
    /// user cannot enter the project folder.
    let isFallback: Bool

    var dataDirectory: URL { clusterDirectory.appendingPathComponent("data") }
    var socketDirectory: URL { clusterDirectory.appendingPathComponent("socket") }
    var logFile: URL { clusterDirectory.appendingPathComponent("server.log") }

    /// The longest socket folder path: `sun_path` holds 104 bytes on macOS (108 on Linux),
    /// and PostgreSQL appends `/.s.PGSQL.<port>` and a NUL.
    static let maximumSocketPathBytes = 103

    /// Picks the folder: the explicit one, else `<project>/.parcours/postgres`, else (as root,
    /// when `postgres` cannot enter the project, as in a 0700 `mktemp -d` folder)
    /// `~postgres/parcours/<slug>-<hash>`.
    static func choose(project: URL, options: LocalPostgresOptions, runner: CommandRunner) throws -> ClusterLocation {
        let location: ClusterLocation
        if let explicit = options.clusterDirectory {
            location = ClusterLocation(clusterDirectory: explicit.standardizedFileURL, isFallback: false)
        } else {
            let inProject = project.appendingPathComponent(".parcours").appendingPathComponent("postgres")
            if runner.systemUser == nil || canUse(inProject, project: project, runner: runner) {
                location = ClusterLocation(clusterDirectory: inProject, isFallback: false)
            } else {
                let home = homeDirectory(of: runner.systemUser ?? "postgres")
                let folder = home.appendingPathComponent("parcours").appendingPathComponent(slug(forProjectPath: project.path))
                location = ClusterLocation(clusterDirectory: folder, isFallback: true)
            }
        }
        let socketFile = location.socketDirectory.path + "/.s.PGSQL.\(options.port)"
        guard socketFile.utf8.count <= maximumSocketPathBytes else {
            throw LocalPostgresError(.folderNotUsable, """
                The Unix socket path \(socketFile) is \(socketFile.utf8.count) bytes, over the \
                \(maximumSocketPathBytes)-byte limit of Unix sockets. Move the project to a shorter path, \
                or pass a shorter folder as LocalPostgresOptions(clusterDirectory:).
                """)
        }
        return location
    }

    /// Whether the system user can enter the project and use its `.parcours/postgres` folder.
    private static func canUse(_ cluster: URL, project: URL, runner: CommandRunner) -> Bool {
        let parcours = cluster.deletingLastPathComponent()
        var checks = [["test", "-x", project.path]]
        if FileManager.default.fileExists(atPath: parcours.path) { checks.append(["test", "-x", parcours.path]) }
        if FileManager.default.fileExists(atPath: cluster.path) { checks.append(["test", "-w", cluster.path, "-a", "-x", cluster.path]) }
        return checks.allSatisfy { (try? runner.run($0).succeeded) ?? false }
    }

    /// A folder name that a person recognises and that two projects never share:
    /// the project folder's name, lowercased and cut to 24 characters, then 8 hex digits
    /// of a hash of the whole absolute path.
    static func slug(forProjectPath path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        var readable = ""
        for scalar in name.unicodeScalars {
            let keep = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            if keep {
                readable.unicodeScalars.append(scalar)
            } else if !readable.isEmpty, !readable.hasSuffix("-") {
                readable += "-"
            }
        }
        readable = String(readable.prefix(24))
        while readable.hasSuffix("-") { readable.removeLast() }
        if readable.isEmpty { readable = "project" }
        return readable + "-" + hexHash(path)
    }

    /// FNV-1a, 32 bits: stable across runs and platforms, unlike `Hasher`.
    static func hexHash(_ text: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    static func homeDirectory(of user: String) -> URL {
        if let entry = getpwnam(user), let home = entry.pointee.pw_dir {
            return URL(fileURLWithPath: String(cString: home))
        }
        return URL(fileURLWithPath: "/var/lib/postgresql")
    }
}
