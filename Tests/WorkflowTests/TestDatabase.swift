import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Workflow

/// Databases for tests: each suite gets a database of its own, copied from a migrated
/// template, so suites run in parallel without seeing each other's cases and timers.
///
/// `make test` starts a throwaway PostgreSQL and sets DATABASE_URL; without it these
/// tests fail (they never skip), saying how to run them.
enum TestDatabase {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "DATABASE_URL is not set: database tests need PostgreSQL. Run them with 'make test', which starts a throwaway cluster, or set DATABASE_URL to a server where this user may CREATE DATABASE."
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "parcours.tests")
        logger.logLevel = .warning
        return logger
    }()

    static func serverURL() throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["DATABASE_URL"], !text.isEmpty else { throw Missing() }
        return try DatabaseURL(text)
    }

    /// A new, migrated database for one suite or test; `name` only helps reading the server's logs.
    static func fresh(_ name: String, logger: Logger = TestDatabase.logger) async throws -> Database {
        let server = try serverURL()
        let template = try await Template.shared.name(server: server)
        let database = "t_" + String(name.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20)) + "_"
            + String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10))
        try await admin(server) { connection in
            // The template's last session may still be closing: CREATE DATABASE … TEMPLATE
            // refuses a template in use, so try again for a few seconds.
            for attempt in 1... {
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database) TEMPLATE \(template)"), logger: logger)
                    return
                } catch let error as PSQLError where attempt < 50 && error.serverInfo?[.sqlState] == "55006" {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        var url = server
        url.database = database
        return try await Database.connect(url, logger: logger)
    }

    /// A new database with no schema at all, for migration tests.
    static func empty(_ name: String) async throws -> Database {
        let server = try serverURL()
        let database = "e_" + String(name.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20)) + "_"
            + String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10))
        try await admin(server) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)"), logger: logger)
        }
        var url = server
        url.database = database
        return try await Database.connect(url, logger: logger)
    }

    /// Runs `body` on a connection to the server's own database (where CREATE DATABASE runs).
    static func admin(_ server: DatabaseURL, _ body: (PostgresConnection) async throws -> Void) async throws {
        let database = try await Database.connect(server, logger: logger)
        defer { database.close() }
        try await database.client.withConnection { connection in try await body(connection) }
    }

    /// The migrated template, created once per schema (its name carries a hash of the migrations).
    actor Template {
        static let shared = Template()
        /// One creation for every suite that asks at once (an actor alone would let them interleave).
        private var creation: Task<String, any Error>?

        func name(server: DatabaseURL) async throws -> String {
            if let creation { return try await creation.value }
            let task = Task { try await Self.create(server: server) }
            creation = task
            return try await task.value
        }

        /// Migrates under a temporary name and renames only when that succeeded, so a
        /// template left by a failed run is never mistaken for a good one.
        private static func create(server: DatabaseURL) async throws -> String {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in Migration.all.flatMap(\.statements).joined().utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            let name = "parcours_template_" + String(hash, radix: 16)
            let building = name + "_building_" + String(UUID().uuidString.lowercased().prefix(8)).filter { $0.isHexDigit }
            var exists = false
            try await TestDatabase.admin(server) { connection in
                let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: TestDatabase.logger)
                for try await _ in rows { exists = true }
                if !exists {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(building)"), logger: TestDatabase.logger)
                }
            }
            guard !exists else { return name }
            var url = server
            url.database = building
            let database = try await Database.connect(url, logger: TestDatabase.logger)
            try await Migrator(database).migrate()
            database.close()
            try await TestDatabase.admin(server) { connection in
                // The pool's last session may still be closing: RENAME refuses a database in use.
                for attempt in 1... {
                    do {
                        try await connection.query(PostgresQuery(unsafeSQL: "ALTER DATABASE \(building) RENAME TO \(name)"), logger: TestDatabase.logger)
                        return
                    } catch let error as PSQLError where attempt < 50 && error.serverInfo?[.sqlState] == "55006" {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
            return name
        }
    }
}
