import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Workflow

/// Where the database is: `--database-url`, else `DATABASE_URL`, else the project's private
/// cluster in `./.parcours/postgres`, started on demand and stopped afterwards by the
/// command that started it, when no other process uses it.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default: $DATABASE_URL, else the private cluster in ./.parcours/postgres).")
    var databaseURL: String?

    /// Connects (starting the private cluster if needed), applies missing migrations unless
    /// told not to, runs `body`, and always closes what it opened. The client runs in a task
    /// group around `body`, as PostgresNIO's examples run it, and stops when `body` ends.
    func withSession<T>(migrate: Bool = true, _ body: (DatabaseSession) async throws -> T) async throws -> T {
        try await withDatabase { database, isPrivateCluster in
            try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
                group.addTask { await database.client.run() }
                defer { group.cancelAll() }
                try await prepare(database, migrate: migrate, isPrivateCluster: isPrivateCluster)
                return try await body(DatabaseSession(database: database, calendar: try Self.calendar()))
            }
        }
    }

    /// For the long-running commands: runs the database's client as the first service of a
    /// `ServiceGroup` that stops on SIGTERM or SIGINT, then the services `make` gives, once
    /// the server answers, the schema is checked and `setUp` is done. The group stops the
    /// services in the reverse order, so the client stops last, after the server and the
    /// worker have finished what they were doing with it.
    func runServices(migrate: Bool = true, logger: Logger,
                     setUp: @escaping @Sendable (DatabaseSession) async throws -> Void = { _ in },
                     _ make: @escaping @Sendable (DatabaseSession) -> [any Service]) async throws {
        try await withDatabase { database, isPrivateCluster in
            let session = DatabaseSession(database: database, calendar: try Self.calendar())
            let afterSetUp = AfterSetUp(logger: logger) {
                try await prepare(database, migrate: migrate, isPrivateCluster: isPrivateCluster)
                try await setUp(session)
                return make(session)
            }
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: database.client), .init(service: afterSetUp)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }

    /// The deployment's calendar, or a clear error when its variables are wrong.
    static func calendar() throws -> BusinessCalendar {
        do {
            return try BusinessCalendar.deployment()
        } catch let error as DeploymentCalendarError {
            Output.error("error: \(error.message)")
            throw ExitCode(1)
        }
    }

    /// The database named by the options or the private cluster (started, and stopped after
    /// `body` when it was started here), with a client that is not running yet.
    private func withDatabase<T>(_ body: (Database, _ isPrivateCluster: Bool) async throws -> T) async throws -> T {
        var local: LocalPostgres?
        var startedHere = false
        let text: String
        if let given = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !given.isEmpty {
            text = given
        } else {
            do {
                let cluster = try LocalPostgres(projectDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                                logHandler: { Output.error($0) })
                startedHere = try cluster.start()
                local = cluster
                text = cluster.connection.url
            } catch let error as LocalPostgresError {
                Output.error("error: \(error.message)")
                throw ExitCode(1)
            }
        }
        defer {
            if startedHere, let local {
                do { try local.stopIfOwned() } catch { Output.error("warning: could not stop the private PostgreSQL: \(error)") }
            }
        }
        let url: DatabaseURL
        do {
            url = try DatabaseURL(text)
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(1)
        }
        var logger = Logger(label: "parcours.cli")
        logger.logLevel = .warning
        return try await body(Database(url, logger: logger), local != nil)
    }

    /// With the client running: waits for the server's first answer, then brings the schema
    /// up to date or checks it (see `ensureSchema`).
    private func prepare(_ database: Database, migrate: Bool, isPrivateCluster: Bool) async throws {
        do {
            try await database.waitForServer()
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(1)
        }
        if migrate {
            try await ensureSchema(database, isPrivateCluster: isPrivateCluster)
        }
    }
}

/// Runs the services of a long-running command once its set-up (which needs the database
/// client, running as an earlier service of the same group) is done, and forwards the
/// group's graceful shutdown to them.
private struct AfterSetUp: Service {
    let logger: Logger
    let setUp: @Sendable () async throws -> [any Service]

    init(logger: Logger, setUp: @escaping @Sendable () async throws -> [any Service]) {
        self.logger = logger
        self.setUp = setUp
    }

    func run() async throws {
        let services: [any Service]
        do {
            services = try await cancelWhenGracefulShutdown { try await setUp() }
        } catch {
            // SIGTERM during the set-up stops it, and that is no failure.
            if Task.isShuttingDownGracefully { return }
            throw error
        }
        guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
        // A group inside the group: it follows the outer one's graceful shutdown, stopping
        // its services in reverse order.
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        try await group.run()
    }
}

extension DatabaseOptions {
    /// The private cluster is the user's own: bring its schema up to date. A database named
    /// by URL may be shared or in production: only `workflow migrate` changes its schema,
    /// and a schema this program does not match is an error that says so.
    func ensureSchema(_ database: Database, isPrivateCluster: Bool) async throws {
        let migrator = Migrator(database)
        if isPrivateCluster {
            try await migrator.migrate()
            return
        }
        let applied = try await migrator.appliedVersions()
        let expected = Migration.all.map(\.version)
        guard applied == expected else {
            let newer = applied.contains { !expected.contains($0) }
            Output.error(newer
                ? "error: the database has migrations this version of workflow does not know (\(applied.map(String.init).joined(separator: ", "))); use a newer workflow"
                : "error: the database schema is not up to date (applied: \(applied.isEmpty ? "none" : applied.map(String.init).joined(separator: ", ")); needed: \(expected.map(String.init).joined(separator: ", "))); run 'workflow migrate'")
            throw ExitCode(1)
        }
    }
}

/// The stores of one command's connection.
struct DatabaseSession: Sendable {
    let database: Database
    let catalog: WorkflowCatalog
    let cases: CaseStore
    /// The one door to the cases, for the operator at the command line.
    let door: CaseService
    /// The deployment's calendar (`BusinessCalendar.deployment`), for every engine built here.
    let calendar: BusinessCalendar

    init(database: Database, calendar: BusinessCalendar) {
        self.database = database
        self.calendar = calendar
        catalog = WorkflowCatalog(WorkflowRepository(database))
        cases = CaseStore(database, catalog: catalog, calendar: calendar)
        door = CaseService(database: database, catalog: catalog, calendar: calendar)
    }
}
