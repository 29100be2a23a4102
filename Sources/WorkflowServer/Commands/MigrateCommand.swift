import ArgumentParser
import Workflow

/// `workflow migrate`: applies the schema migrations the database lacks.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database migrations that are missing (safe to run twice, or from two processes).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withSession(migrate: false) { session in
            let applied = try await Migrator(session.database).migrate()
            let all = try await Migrator(session.database).appliedVersions()
            print(applied.isEmpty
                  ? "the database is up to date (migrations \(all.map(String.init).joined(separator: ", ")))"
                  : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}
