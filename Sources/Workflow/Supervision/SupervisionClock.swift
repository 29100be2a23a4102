import Foundation
import PostgresNIO

/// The moment a report is computed for: the caller's (tests, a report "as of" a date), or
/// the database's clock, never the application's (the same rule as the worker's).
enum SupervisionClock {
    static func resolve(_ asOf: Date?, in database: Database) async throws -> Date {
        if let asOf { return asOf }
        let rows = try await database.client.query("SELECT now()", logger: database.logger)
        for try await (now,) in rows.decode((Date,).self) { return now }
        return Date()
    }
}
