import Foundation
import Logging
import PostgresNIO

/// The workers table: each worker process says it started, beats while it runs, and says
/// when it stopped, so that health checks and supervisors can tell which are alive.
public struct WorkerRegistry: Sendable {
    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// A worker as the database last saw it.
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var host: String
        public var pid: Int
        public var startedAt: Date
        public var heartbeatAt: Date
        public var stoppedAt: Date?
        /// Seconds since its last heartbeat, by the database's clock.
        public var heartbeatAge: Double
    }

    public func register(_ id: String, host: String, pid: Int, settings: JSONValue) async throws {
        try await database.client.query("""
            INSERT INTO workers (id, host, pid, settings, started_at, heartbeat_at)
            VALUES (\(id), \(host), \(pid), \(settings.serialized())::jsonb, now(), now())
            ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), stopped_at = NULL
            """, logger: database.logger)
    }

    public func heartbeat(_ id: String) async throws {
        try await database.client.query("UPDATE workers SET heartbeat_at = now() WHERE id = \(id)", logger: database.logger)
    }

    public func stopped(_ id: String) async throws {
        try await database.client.query("UPDATE workers SET heartbeat_at = now(), stopped_at = now() WHERE id = \(id)",
                                        logger: database.logger)
    }

    /// The workers that have not said they stopped, most recent heartbeat first.
    public func running() async throws -> [Entry] {
        let rows = try await database.client.query("""
            SELECT id, host, pid, started_at, heartbeat_at, stopped_at,
                   extract(epoch FROM now() - heartbeat_at)::float8
            FROM workers WHERE stopped_at IS NULL ORDER BY heartbeat_at DESC
            """, logger: database.logger)
        var entries: [Entry] = []
        for try await (id, host, pid, started, beat, stopped, age) in rows.decode((String, String, Int, Date, Date, Date?, Double).self) {
            entries.append(Entry(id: id, host: host, pid: pid, startedAt: started, heartbeatAt: beat, stoppedAt: stopped,
                                 heartbeatAge: age))
        }
        return entries
    }
}
