import Foundation
import Logging
import PostgresNIO

/// Cases in PostgreSQL: every change is one transaction that loads the case under a row
/// lock, lets the engine decide, and writes the case, its history, tasks and timers.
public struct CaseStore: Sendable {
    let database: Database
    let catalog: WorkflowCatalog
    let calendar: BusinessCalendar

    public init(_ database: Database, catalog: WorkflowCatalog, calendar: BusinessCalendar = .french) {
        self.database = database
        self.catalog = catalog
        self.calendar = calendar
    }

    /// Creates a case on a published workflow (its latest version unless one is named).
    public func create(workflowID: String, version: Int? = nil, data: JSONValue, actor: CaseActor,
                       citizenRef: String? = nil) async throws -> CaseRecord {
        let definition = try await catalog.definition(id: workflowID, version: version)
        let engine = WorkflowEngine(definition: definition, calendar: calendar)
        let id = UUID()
        return try await database.transaction { connection in
            let now = try await Self.databaseNow(connection, logger: database.logger)
            switch engine.start(caseID: id, data: data, actor: actor, now: now) {
            case .refused(let refusal):
                throw StoreError(.refused, refusal.message, refusal: refusal)
            case .applied(let change):
                try await CaseWriter(connection: connection, logger: database.logger)
                    .insert(change, citizenRef: citizenRef, now: now)
                return try await CaseReader(connection: connection, logger: database.logger).record(id)
            }
        }
    }

    /// Applies one event in one transaction. With `expectedVersion`, a case changed since
    /// the caller read it is a conflict, never a lost update; without it, the event is
    /// judged against the state it finds.
    public func apply(_ event: CaseEvent, toCase id: UUID, expectedVersion: Int? = nil) async throws -> CaseRecord {
        try await database.transaction { connection in
            let reader = CaseReader(connection: connection, logger: database.logger)
            let now = try await Self.databaseNow(connection, logger: database.logger)
            let snapshot = try await reader.snapshot(id, lock: true)
            if let expectedVersion, expectedVersion != snapshot.version {
                throw StoreError(.conflict, "case \(id) changed since you read it (you expected version \(expectedVersion), it is at version \(snapshot.version)); read it again and retry")
            }
            let definition = try await catalog.definition(id: snapshot.workflowID, version: snapshot.workflowVersion)
            switch WorkflowEngine(definition: definition, calendar: calendar).apply(event, to: snapshot, now: now) {
            case .refused(let refusal):
                throw StoreError(.refused, refusal.message, refusal: refusal)
            case .applied(let change):
                try await CaseWriter(connection: connection, logger: database.logger)
                    .update(change, previousVersion: snapshot.version, now: now)
                return try await reader.record(id)
            }
        }
    }

    /// A case with its open tasks, pending timers and whole history.
    public func read(_ id: UUID) async throws -> CaseRecord {
        try await database.client.withConnection { connection in
            try await CaseReader(connection: connection, logger: database.logger).record(id)
        }
    }

    /// The database's clock: all times of one change come from it, never from this process.
    static func databaseNow(_ connection: PostgresConnection, logger: Logger) async throws -> Date {
        for try await now in try await connection.query("SELECT now()", logger: logger).decode(Date.self) { return now }
        throw StoreError(.unavailable, "the database did not answer SELECT now()")
    }
}
