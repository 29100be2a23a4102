import ArgumentParser
import Foundation
import Logging
import Workflow

/// Where the database is: `--database-url`, else `DATABASE_URL`, else the project's private
/// cluster in `./.parcours/postgres`, started on demand and stopped afterwards by the
/// command that started it, when no other process uses it.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default: $DATABASE_URL, else the private cluster in ./.parcours/postgres).")
    var databaseURL: String?

    /// Connects (starting the private cluster if needed), applies missing migrations unless
    /// told not to, runs `body`, and always closes what it opened.
    func withSession<T>(migrate: Bool = true, _ body: (DatabaseSession) async throws -> T) async throws -> T {
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

        let database: Database
        do {
            var logger = Logger(label: "parcours.cli")
            logger.logLevel = .warning
            database = try await Database.connect(try DatabaseURL(text), logger: logger)
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(1)
        }
        defer { database.close() }
        if migrate {
            try await Migrator(database).migrate()
        }
        return try await body(DatabaseSession(database: database))
    }
}

/// The stores of one command's connection.
struct DatabaseSession {
    let database: Database
    let catalog: WorkflowCatalog
    let cases: CaseStore

    init(database: Database) {
        self.database = database
        catalog = WorkflowCatalog(WorkflowRepository(database))
        cases = CaseStore(database, catalog: catalog)
    }
}
