import Foundation

/// A private PostgreSQL cluster for one project folder, reached over a Unix socket only.
///
/// `serve` without a database URL, and the tests, use it: `start()` initialises the
/// cluster on first use and starts the server unless it already runs; `stopIfOwned()`
/// stops it only when this handle started it and nobody else is connected, so a
/// second `workflow serve` on the same project never pulls the database from under
/// the first. As root the server runs as the `postgres` system user.
///
/// The methods block while the PostgreSQL tools run (a few seconds at most, bounded
/// by `startTimeout`); call them at startup and shutdown, not per request.
public final class LocalPostgres: @unchecked Sendable {
    /// The superuser and database every cluster has.
    public static let user = "parcours"
    public static let database = "parcours"

    /// The project folder, absolute.
    public let projectDirectory: URL
    /// The server programs in use.
    public let binaries: PostgresBinaries
    public let options: LocalPostgresOptions
    /// How to connect once started.
    public let connection: LocalPostgresConnection

    let location: ClusterLocation
    let runner: CommandRunner
    let log: @Sendable (String) -> Void

    /// Guards `startedHere`; the tools themselves run under it too, so one handle never races itself.
    private let lock = NSLock()
    private var startedHere = false

    /// Prepares a handle; nothing is created or started until `start()`.
    ///
    /// - Parameters:
    ///   - projectDirectory: the folder whose `.parcours/postgres` holds the cluster.
    ///   - environment: where `PARCOURS_PG_BINDIR` and `PATH` are read.
    ///   - logHandler: receives one line per step (initialising, starting, where the cluster is).
    /// - Throws: ``LocalPostgresError`` `.binariesNotFound` when PostgreSQL is not installed.
    public init(
        projectDirectory: URL,
        options: LocalPostgresOptions = LocalPostgresOptions(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logHandler: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        let project = projectDirectory.standardizedFileURL.resolvingSymlinksInPath()
        self.projectDirectory = project
        self.options = options
        self.log = logHandler
        self.binaries = try PostgresBinaries.locate(environment: environment)
        self.runner = try CommandRunner.forCurrentUser(environment: environment)
        self.location = try ClusterLocation.choose(project: project, options: options, runner: runner)
        self.connection = LocalPostgresConnection(
            socketDirectory: location.socketDirectory.path, port: options.port,
            user: Self.user, database: Self.database)
    }

    /// Initialises the cluster if needed and starts the server if it is not running.
    ///
    /// - Returns: true when this call started the server, false when it was already running.
    @discardableResult
    public func start() throws -> Bool {
        try lock.withLock {
            if location.isFallback {
                log("PostgreSQL: the postgres user cannot enter \(projectDirectory.path); keeping the cluster in \(location.clusterDirectory.path)")
            }
            try location.createFolders(runner: runner)
            if !isInitialised() { try initialise() }
            if try serverPID() != nil {
                log("PostgreSQL: already running on \(connection.socketDirectory) (port \(connection.port))")
                try waitUntilReady()
                try createDatabaseIfMissing()
                return false
            }
            let started = try startServer()
            try waitUntilReady()
            try createDatabaseIfMissing()
            if started {
                startedHere = true
                log("PostgreSQL: started, \(connection.url)")
            }
            return started
        }
    }

    /// Stops the server if this handle started it and no other client is connected.
    ///
    /// - Returns: true when the server was stopped.
    @discardableResult
    public func stopIfOwned() throws -> Bool {
        try lock.withLock {
            guard startedHere else {
                log("PostgreSQL: left running, this process did not start it")
                return false
            }
            guard try serverPID() != nil else {
                startedHere = false
                return false
            }
            if let others = otherClientCount(), others > 0 {
                log("PostgreSQL: left running, \(others) other client(s) connected")
                return false
            }
            try stopServer()
            startedHere = false
            log("PostgreSQL: stopped")
            return true
        }
    }

    /// Stops the server whoever started it, as `workflow db stop` does; fast shutdown ends open sessions.
    ///
    /// - Returns: true when it was running.
    @discardableResult
    public func stop() throws -> Bool {
        try lock.withLock {
            startedHere = false
            guard try serverPID() != nil else { return false }
            try stopServer()
            log("PostgreSQL: stopped")
            return true
        }
    }

    /// Reports whether the cluster exists and runs, and where it is.
    public func status() throws -> LocalPostgresStatus {
        try lock.withLock {
            let pid = try serverPID()
            return LocalPostgresStatus(
                isInitialised: isInitialised(),
                isRunning: pid != nil,
                pid: pid,
                clusterDirectory: location.clusterDirectory,
                dataDirectory: location.dataDirectory,
                socketDirectory: location.socketDirectory,
                logFile: location.logFile,
                usesFallbackLocation: location.isFallback,
                url: connection.url)
        }
    }

    /// Stops the server whoever started it and deletes the whole cluster folder. For tests and resets.
    public func stopAndRemoveCluster() throws {
        try lock.withLock {
            if isInitialised(), try serverPID() != nil { try stopServer() }
            startedHere = false
            if FileManager.default.fileExists(atPath: location.clusterDirectory.path) {
                try FileManager.default.removeItem(at: location.clusterDirectory)
            }
            log("PostgreSQL: removed \(location.clusterDirectory.path)")
        }
    }

    /// Runs SQL with the cluster's own `psql` over the socket and returns its unaligned, tuples-only output.
    public func psql(_ sql: String, database: String = LocalPostgres.database) throws -> String {
        let result = try runner.run([
            binaries.path("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-h", connection.socketDirectory,
            "-p", String(connection.port), "-U", Self.user, "-d", database, "-Atc", sql,
        ])
        guard result.succeeded else {
            throw LocalPostgresError(.commandFailed, "psql failed on \(connection.socketDirectory): \(result.combined)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
