import Foundation
import Testing
@testable import Workflow

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A project folder as `mktemp -d` makes it: private (0700). As root the postgres user
/// cannot enter it, so the launcher must keep the cluster in its fallback folder.
private func makeProjectFolder(permissions: Int = 0o700) throws -> URL {
    let folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("parcours-lpg-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(
        at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: permissions])
    return folder
}

/// Quick to create and to throw away; short timeout so a hang fails fast.
private let throwaway = LocalPostgresOptions(throwaway: true, startTimeout: 15)

/// Collects the launcher's log lines.
private final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// Starts the cluster's psql as a client of `url`, as any other program would connect.
private func startClient(_ binaries: PostgresBinaries, url: String, sql: String) throws -> Process {
    let process = Process()
    process.executableURL = binaries.directory.appendingPathComponent("psql")
    process.arguments = ["-X", "-Atc", sql, url]
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = Pipe()
    process.standardError = Pipe()
    try process.run()
    return process
}

/// Polls `condition` every 50 ms for up to `seconds`.
private func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return try condition()
}

@Suite("Local PostgreSQL launcher", .serialized)
struct LocalPostgresTests {
    @Test("finds the server programs (fails when PostgreSQL is not installed)")
    func findsBinaries() throws {
        let binaries = try PostgresBinaries.locate()
        #expect(binaries.has("initdb"))
        #expect(binaries.has("pg_ctl"))
    }

    @Test("names the Debian package and the apt-get command when the server is missing")
    func missingBinaries() {
        let error = #expect(throws: LocalPostgresError.self) {
            try PostgresBinaries.locate(
                environment: ["PATH": "/nonexistent"], debianRoot: URL(fileURLWithPath: "/nonexistent"))
        }
        #expect(error?.code == .binariesNotFound)
        #expect(error?.message.contains("apt-get install -y postgresql") == true)
    }

    @Test("refuses a PARCOURS_PG_BINDIR without initdb and pg_ctl")
    func wrongBinDirectory() {
        let error = #expect(throws: LocalPostgresError.self) {
            try PostgresBinaries.locate(environment: ["PARCOURS_PG_BINDIR": "/usr/bin/nothing-here"])
        }
        #expect(error?.code == .binariesNotFound)
        #expect(error?.message.contains("PARCOURS_PG_BINDIR") == true)
    }

    @Test("builds a libpq URL with the socket folder percent-encoded")
    func url() {
        let connection = LocalPostgresConnection(socketDirectory: "/tmp/a b/socket", port: 5433)
        #expect(connection.url == "postgresql://parcours@/parcours?host=%2Ftmp%2Fa%20b%2Fsocket&port=5433")
    }

    @Test("names a fallback folder with a readable slug and a hash of the whole path")
    func slug() {
        let slug = ClusterLocation.slug(forProjectPath: "/tmp/tmp.AbC_123")
        #expect(slug.hasPrefix("tmp-abc-123-"))
        #expect(slug.count == "tmp-abc-123-".count + 8)
        #expect(slug == ClusterLocation.slug(forProjectPath: "/tmp/tmp.AbC_123"))
        #expect(slug != ClusterLocation.slug(forProjectPath: "/home/x/tmp.AbC_123"))
        #expect(ClusterLocation.slug(forProjectPath: "/").hasPrefix("project-"))
    }

    @Test("keeps the cluster in the project when the server's user can enter it")
    func locationInProject() throws {
        let project = try makeProjectFolder(permissions: 0o755)
        defer { try? FileManager.default.removeItem(at: project) }
        let launcher = try LocalPostgres(projectDirectory: project, options: throwaway)
        let status = try launcher.status()
        #expect(!status.usesFallbackLocation)
        #expect(status.clusterDirectory.path == project.resolvingSymlinksInPath().path + "/.parcours/postgres")
        #expect(!status.isInitialised)
        #expect(!status.isRunning)
    }

    @Test("initialises, starts once, is shared, and stops only when owned and idle")
    func lifecycle() throws {
        let project = try makeProjectFolder()
        let log = LogLines()
        let first = try LocalPostgres(projectDirectory: project, options: throwaway, logHandler: log.append)
        let second = try LocalPostgres(projectDirectory: project, options: throwaway)
        defer {
            try? first.stopAndRemoveCluster()
            try? FileManager.default.removeItem(at: project)
        }

        #expect(try !first.status().isInitialised)
        #expect(try first.start() == true)
        #expect(try second.start() == false)

        let status = try second.status()
        #expect(status.isInitialised)
        #expect(status.isRunning)
        #expect(status.pid != nil)
        #expect(status.url == first.connection.url)
        #expect(status.url == "postgresql://parcours@/parcours?host=\(LocalPostgresConnection.encode(status.socketDirectory.path))&port=5432")
        if geteuid() == 0 {
            // mktemp -d's 0700 folder is closed to postgres: the cluster moved, and the log says where.
            #expect(status.usesFallbackLocation)
            #expect(status.clusterDirectory.path.hasPrefix("/var/lib/postgresql/parcours/parcours-lpg-"))
            #expect(log.all.contains { $0.contains(status.clusterDirectory.path) })
        } else {
            #expect(!status.usesFallbackLocation)
        }

        #expect(try first.psql("SELECT 1") == "1")
        #expect(try first.psql("select current_database()") == "parcours")
        #expect(try first.psql("show listen_addresses") == "")
        #expect(try first.psql("show fsync") == "off")

        // Any libpq client reaches it with the URL alone.
        let client = try startClient(first.binaries, url: status.url, sql: "SELECT 1")
        client.waitUntilExit()
        #expect(client.terminationStatus == 0)

        #expect(try second.stopIfOwned() == false)
        #expect(try second.status().isRunning)

        // While another client is connected, even the owner leaves it running.
        let sleeper = try startClient(first.binaries, url: status.url, sql: "select pg_sleep(2)")
        let connected = try eventually(5) {
            try first.psql("select count(*) from pg_stat_activity where query like 'select pg_sleep%'") == "1"
        }
        #expect(connected)
        #expect(try first.stopIfOwned() == false)
        #expect(try first.status().isRunning)
        sleeper.waitUntilExit()
        // The client has exited; its server session ends a moment later (on a loaded machine,
        // later still): wait until the server no longer counts it, as the owner's check does.
        let gone = try eventually(10) {
            try first.psql("select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()") == "0"
        }
        #expect(gone)

        #expect(try first.stopIfOwned() == true)
        #expect(try !first.status().isRunning)
        #expect(try first.stopIfOwned() == false)

        // `stop()` is the explicit `workflow db stop`: it ignores who started the server.
        #expect(try second.start() == true)
        #expect(try first.stop() == true)
        #expect(try !second.status().isRunning)
        #expect(try first.stop() == false)
    }

    @Test("starts again after the postmaster was killed")
    func restartAfterCrash() throws {
        let project = try makeProjectFolder()
        let launcher = try LocalPostgres(projectDirectory: project, options: throwaway)
        defer {
            try? launcher.stopAndRemoveCluster()
            try? FileManager.default.removeItem(at: project)
        }
        #expect(try launcher.start() == true)
        let pid = try #require(try launcher.status().pid)

        // Start again at once: the dead postmaster may not even be reaped yet, and its
        // postmaster.pid is still there; neither may block the start.
        kill(pid, SIGKILL)
        let pidFile = try launcher.status().dataDirectory.appendingPathComponent("postmaster.pid").path
        #expect(FileManager.default.fileExists(atPath: pidFile))
        let afterCrash = try LocalPostgres(projectDirectory: project, options: throwaway)
        #expect(try afterCrash.start() == true)
        #expect(try afterCrash.psql("SELECT 1") == "1")
        let restartedPID = try #require(try afterCrash.status().pid)
        #expect(restartedPID != pid)

        // Once the crash is seen, status says so; start works again.
        kill(restartedPID, SIGKILL)
        #expect(try eventually(10) { try !afterCrash.status().isRunning })
        #expect(FileManager.default.fileExists(atPath: pidFile))
        #expect(try afterCrash.start() == true)
        #expect(try afterCrash.psql("SELECT 1") == "1")
        #expect(try afterCrash.stopIfOwned() == true)
    }
}
