import Foundation
import Logging
import PostgresNIO

/// Cases in PostgreSQL: every change is one transaction that loads the case under a row
/// lock, lets the engine decide, and writes the case, its history, tasks and timers.
public struct CaseStore: Sendable {
    let database: Database
    let catalog: WorkflowCatalog
    let calendar: BusinessCalendar
    /// How automatic steps that fail at run time are retried before they escalate.
    let retryPolicy: StepRetryPolicy

    public init(_ database: Database, catalog: WorkflowCatalog, calendar: BusinessCalendar = .french,
                retryPolicy: StepRetryPolicy = StepRetryPolicy()) {
        self.database = database
        self.catalog = catalog
        self.calendar = calendar
        self.retryPolicy = retryPolicy
    }

    /// The engine for one workflow version, with this store's calendar and retry policy.
    func engine(_ definition: WorkflowDefinition) -> WorkflowEngine {
        WorkflowEngine(definition: definition, calendar: calendar, retryPolicy: retryPolicy)
    }

    /// Creates a case on a published workflow (its latest version unless one is named).
    public func create(workflowID: String, version: Int? = nil, data: JSONValue, actor: CaseActor,
                       citizenRef: String? = nil, via: String = "store") async throws -> CaseRecord {
        let definition = try await catalog.definition(id: workflowID, version: version)
        let engine = self.engine(definition)
        let id = UUID()
        return try await database.transaction { connection in
            let now = try await Self.databaseNow(connection, logger: database.logger)
            switch engine.start(caseID: id, data: data, actor: actor, now: now) {
            case .refused(let refusal):
                throw StoreError(.refused, refusal.message, refusal: refusal)
            case .applied(let change):
                try await CaseWriter(connection: connection, logger: database.logger)
                    .insert(change, citizenRef: citizenRef, now: now)
                try await Self.journal(change, actor: actor, via: via, connection: connection, logger: database.logger)
                return try await CaseReader(connection: connection, logger: database.logger).record(id)
            }
        }
    }

    /// Applies one event in one transaction. With `expectedVersion`, a case changed since
    /// the caller read it is a conflict, never a lost update; without it, the event is
    /// judged against the state it finds.
    public func apply(_ event: CaseEvent, toCase id: UUID, expectedVersion: Int? = nil, via: String = "store") async throws -> CaseRecord {
        // The workflow version never changes for a case: resolve it before the transaction,
        // so that loading it never needs a second connection while the row is locked.
        let (workflowID, workflowVersion) = try await workflowOf(id)
        let definition = try await catalog.definition(id: workflowID, version: workflowVersion)
        return try await database.transaction { connection in
            let reader = CaseReader(connection: connection, logger: database.logger)
            let snapshot = try await reader.snapshot(id, lock: true)
            // Read the clock once the lock is held: a change that waited behind another is
            // stamped after it, never before.
            let now = try await Self.databaseClock(connection, logger: database.logger)
            if let expectedVersion, expectedVersion != snapshot.version {
                throw StoreError(.conflict, "case \(id.uuidString.lowercased()) changed since you read it (you expected version \(expectedVersion), it is at version \(snapshot.version)); read it again and retry")
            }
            switch engine(definition).apply(event, to: snapshot, now: now) {
            case .refused(let refusal):
                throw StoreError(.refused, refusal.message, refusal: refusal)
            case .applied(let change):
                try await CaseWriter(connection: connection, logger: database.logger)
                    .update(change, previousVersion: snapshot.version, now: now)
                try await Self.journal(change, actor: event.actor, via: via, connection: connection, logger: database.logger)
                return try await reader.record(id)
            }
        }
    }

    /// Journals a change in its own transaction: who, through what, and the fields it changed.
    static func journal(_ change: CaseChange, actor: CaseActor, via: String, connection: PostgresConnection,
                        logger: Logger) async throws {
        try await AccessJournal.change(change.after.id, by: AccessJournal.Access(actor: actor.recorded, agency: actor.agency, via: via),
                                       fields: changedFields(change), connection: connection, logger: logger)
    }

    /// The fields a change wrote, for the journal.
    static func changedFields(_ change: CaseChange) -> [String] {
        Array(Set(change.history.flatMap { $0.dataDiff?.objectValue.map { Array($0.keys) } ?? [] }))
    }

    /// A case with its open tasks, pending timers and whole history.
    public func read(_ id: UUID) async throws -> CaseRecord {
        try await database.client.withConnection { connection in
            try await CaseReader(connection: connection, logger: database.logger).record(id)
        }
    }

    /// The workflow and version a case runs on.
    private func workflowOf(_ id: UUID) async throws -> (String, Int) {
        let rows = try await database.client.query("SELECT workflow_id, workflow_version FROM cases WHERE id = \(id)", logger: database.logger)
        for try await row in rows.decode((String, Int).self) { return row }
        throw StoreError(.notFound, "no case \(id)")
    }

    /// The database's clock at this moment (not the transaction's start): all times of one
    /// change come from it, never from this process.
    static func databaseClock(_ connection: PostgresConnection, logger: Logger) async throws -> Date {
        for try await now in try await connection.query("SELECT clock_timestamp()", logger: logger).decode(Date.self) { return now }
        throw StoreError(.unavailable, "the database did not answer SELECT clock_timestamp()")
    }

    /// The transaction's time, `now()`: for a new case, which waits on no lock.
    static func databaseNow(_ connection: PostgresConnection, logger: Logger) async throws -> Date {
        for try await now in try await connection.query("SELECT now()", logger: logger).decode(Date.self) { return now }
        throw StoreError(.unavailable, "the database did not answer SELECT now()")
    }
}
