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
            try await ensureSchema(database, isPrivateCluster: local != nil)
        }
        return try await body(DatabaseSession(database: database))
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
struct DatabaseSession {
    let database: Database
    let catalog: WorkflowCatalog
    let cases: CaseStore
    /// The one door to the cases, for the operator at the command line.
    let door: CaseService

    init(database: Database) {
        self.database = database
        catalog = WorkflowCatalog(WorkflowRepository(database))
        cases = CaseStore(database, catalog: catalog)
        door = CaseService(database: database, catalog: catalog)
    }
}
