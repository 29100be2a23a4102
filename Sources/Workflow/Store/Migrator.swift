import Logging
import PostgresNIO

/// Applies the numbered migrations that a database lacks, in order, each in its own
/// transaction, recording them in `schema_migrations`. Safe to run twice and from two
/// processes at once: a session advisory lock lets one of them do the work.
public struct Migrator: Sendable {
    /// The advisory lock key, a constant of the project ("parcours" as a number).
    static let lockKey: Int64 = 0x7061_7263_6f75_7273

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// Applies what is missing; returns the versions applied by this call.
    @discardableResult
    public func migrate(_ migrations: [Migration] = Migration.all) async throws -> [Int] {
        let logger = database.logger
        return try await database.client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(migrations, on: connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    /// The versions already applied.
    public func appliedVersions() async throws -> [Int] {
        try await database.client.withConnection { connection in
            try await Self.appliedVersions(on: connection, logger: database.logger)
        }
    }

    private func apply(_ migrations: [Migration], on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        let done = Set(try await Self.appliedVersions(on: connection, logger: logger))
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !done.contains(migration.version) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
            }
            logger.info("applied migration \(migration.version): \(migration.name)")
            applied.append(migration.version)
        }
        return applied
    }

    static func appliedVersions(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        var found = false
        for try await row in exists { found = try row.decode(Bool.self) }
        guard found else { return [] }
        var versions: [Int] = []
        for try await version in try await connection.query("SELECT version FROM schema_migrations ORDER BY version", logger: logger).decode(Int.self) {
            versions.append(version)
        }
        return versions
    }
}
