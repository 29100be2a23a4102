import Foundation
import Logging
import PostgresNIO

/// Cases in PostgreSQL: every change reads the case, lets the engine decide, and writes the
/// case, its history, tasks, timers and journal with the one writer (`CaseWriter`), in one
/// statement that fails as a whole if the case moved meanwhile. The rules of who may do what live above it, in
/// `CaseService`; this store applies what it is handed.
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

    /// The engine for one workflow version, with this deployment's calendar and retry policy:
    /// the one place an engine is built.
    public func engine(_ definition: WorkflowDefinition) -> WorkflowEngine {
        WorkflowEngine(definition: definition, calendar: calendar, retryPolicy: retryPolicy)
    }

    /// What a caller above the store (`CaseService`) wants done to a locked case.
    struct Prepared {
        /// Who asks: the journal names them.
        var actor: CaseActor
        /// What the engine decides on the case as read, at the database's time: an event
        /// applied by the case's own version, or (a migration) a decision between two versions.
        var decide: (CaseSnapshot, WorkflowEngine, Date) -> EngineOutcome
        /// Adjusts the engine's change before it is written (who may read each note).
        var adjust: (inout CaseChange) -> Void = { _ in }
        /// Refuses the engine's change before anything is written (a resolution that leaves
        /// its task open).
        var check: (CaseChange) throws -> Void = { _ in }
        /// Journal lines beside the change's own (the read of what the answer shows).
        var journal: (CaseChange) -> [AccessJournal.Row] = { _ in [] }

        init(event: CaseEvent, adjust: @escaping (inout CaseChange) -> Void = { _ in },
             check: @escaping (CaseChange) throws -> Void = { _ in },
             journal: @escaping (CaseChange) -> [AccessJournal.Row] = { _ in [] }) {
            self.init(actor: event.actor, decide: { snapshot, engine, now in engine.apply(event, to: snapshot, now: now) },
                      adjust: adjust, check: check, journal: journal)
        }

        init(actor: CaseActor, decide: @escaping (CaseSnapshot, WorkflowEngine, Date) -> EngineOutcome,
             adjust: @escaping (inout CaseChange) -> Void = { _ in },
             check: @escaping (CaseChange) throws -> Void = { _ in },
             journal: @escaping (CaseChange) -> [AccessJournal.Row] = { _ in [] }) {
            self.actor = actor
            self.decide = decide
            self.adjust = adjust
            self.check = check
            self.journal = journal
        }
    }

    /// Creates a case on a published workflow (its latest version unless one is named), and
    /// returns it with its history. Callers with access rules go through `CaseService`.
    public func create(workflowID: String, version: Int? = nil, data: JSONValue, actor: CaseActor,
                       citizenRef: String? = nil, via: String = "store") async throws -> CaseRecord {
        let definition = try await catalog.definition(id: workflowID, version: version)
        let created = try await create(definition: definition, data: data, actor: actor, citizenRef: citizenRef, via: via).record
        return try await withHistory(created)
    }

    /// Creates a case of `definition` in one statement; `journal` adds lines beside the change's.
    func create(definition: WorkflowDefinition, data: JSONValue, actor: CaseActor, citizenRef: String?, via: String,
                journal: (CaseChange) -> [AccessJournal.Row] = { _ in [] }) async throws -> (record: CaseRecord, change: CaseChange) {
        let engine = self.engine(definition)
        let id = UUID()
        // The write is one statement, atomic on its own, and waits on no lock: no explicit
        // transaction (two round trips fewer).
        return try await database.withConnection { connection in
            let now = try await Self.databaseNow(connection, logger: database.logger)
            switch engine.start(caseID: id, data: data, actor: actor, now: now) {
            case .refused(let refusal):
                throw StoreError(.refused, refusal.message, refusal: refusal)
            case .applied(var change):
                change.after.version = 1
                let lines = [Self.journalLine(change, actor: actor, via: via)] + journal(change)
                try await CaseWriter(connection: connection, logger: database.logger)
                    .write([CaseWriter.Entry(change: change, previousVersion: nil, citizenRef: citizenRef)], journal: lines, now: now)
                return (CaseRecord(snapshot: change.after, citizenRef: citizenRef, closedAt: change.after.status.isClosed ? now : nil,
                                   history: []), change)
            }
        }
    }

    /// Applies one event in one transaction and returns the case after it, history included.
    /// With `expectedVersion`, a case changed since the caller read it is a conflict, never a
    /// lost update; without it, the event is judged against the state it finds.
    public func apply(_ event: CaseEvent, toCase id: UUID, expectedVersion: Int? = nil, via: String = "store") async throws -> CaseRecord {
        let (record, _) = try await change(id, expectedVersion: expectedVersion, via: via) { _, _ in Prepared(event: event) }
        return try await withHistory(record)
    }

    /// One change of one case: the case read once, `prepare` deciding what to ask of the
    /// engine (or throwing, which writes nothing), the engine's change written by the one
    /// writer in one statement that checks the case's version (optimistic concurrency). No
    /// explicit transaction and no lock held while the engine decides: the write is atomic
    /// on its own and fails as a whole if another change came first.
    ///
    /// With `expectedVersion`, a case that moved is a conflict for the caller to settle.
    /// Without it, the event is judged again against the case as it now stands, a few times
    /// (each attempt is judged afresh, so nothing is ever applied twice). The record returned
    /// is the case after the change, without its history.
    func change(_ id: UUID, expectedVersion: Int?, via: String,
                prepare: (CaseRecord, WorkflowDefinition) throws -> Prepared) async throws -> (record: CaseRecord, change: CaseChange) {
        var attempt = 1
        while true {
            do {
                return try await changeOnce(id, expectedVersion: expectedVersion, via: via, prepare: prepare)
            } catch let error as StoreError where error.code == .conflict && expectedVersion == nil && attempt < Self.attempts {
                attempt += 1
            }
        }
    }

    /// How many times a change without an expected version is judged before its conflict is
    /// returned: enough for a case busy with a worker and an agent at once.
    static let attempts = 5

    private func changeOnce(_ id: UUID, expectedVersion: Int?, via: String,
                            prepare: (CaseRecord, WorkflowDefinition) throws -> Prepared) async throws -> (record: CaseRecord, change: CaseChange) {
        try await database.withConnection { connection in
            let (record, now) = try await CaseReader(connection: connection, logger: database.logger).current(id)
            let snapshot = record.snapshot
            let definition = try await catalog.definition(id: snapshot.workflowID, version: snapshot.workflowVersion, on: connection)
            let prepared = try prepare(record, definition)
            if let expectedVersion, expectedVersion != snapshot.version {
                throw StoreError(.conflict, "case \(id.lowercasedString) changed since you read it (you expected version \(expectedVersion), it is at version \(snapshot.version)); read it again and retry")
            }
            switch prepared.decide(snapshot, engine(definition), now) {
            case .refused(let refusal):
                throw StoreError(.refused, refusal.message, refusal: refusal)
            case .applied(var change):
                prepared.adjust(&change)
                try prepared.check(change)
                change.after.version = snapshot.version + 1
                let lines = [Self.journalLine(change, actor: prepared.actor, via: via)] + prepared.journal(change)
                // A caller that gave up (a deadline passed) gets no late write behind its back.
                try Task.checkCancellation()
                try await CaseWriter(connection: connection, logger: database.logger)
                    .write([CaseWriter.Entry(change: change, previousVersion: snapshot.version, citizenRef: record.citizenRef,
                                             tasksAsRead: snapshot.tasks)],
                           journal: lines, now: now)
                // As written: a case closed by this change (or reopened and closed again) at `now`.
                var written = CaseRecord(snapshot: change.after, citizenRef: record.citizenRef,
                                         closedAt: change.after.status.isClosed ? now : nil, history: [],
                                         externalRefs: record.externalRefs)
                // A change of referent says the new one's agency itself (`CaseService.setReferent`).
                written.referentAgency = change.after.referent == snapshot.referent ? record.referentAgency : nil
                return (written, change)
            }
        }
    }

    /// The journal line of a change: who, through what, and the fields it changed.
    static func journalLine(_ change: CaseChange, actor: CaseActor, via: String) -> AccessJournal.Row {
        .change(change.after.id, by: AccessJournal.Access(actor: actor.recorded, agency: actor.agency, via: via), fields: changedFields(change))
    }

    /// The fields a change wrote, for the journal.
    static func changedFields(_ change: CaseChange) -> [String] {
        Array(Set(change.history.flatMap { $0.dataDiff?.objectValue.map { Array($0.keys) } ?? [] }))
    }

    /// A case with its open tasks, pending timers and whole history.
    /// The case as it stands, without its history (one statement).
    public func snapshot(_ id: UUID) async throws -> CaseSnapshot {
        try await database.client.withConnection { connection in
            try await CaseReader(connection: connection, logger: database.logger).snapshot(id)
        }
    }

    public func read(_ id: UUID) async throws -> CaseRecord {
        try await database.client.withConnection { connection in
            try await CaseReader(connection: connection, logger: database.logger).record(id)
        }
    }

    /// `record` (the case after a change, without its history) with its whole history read.
    func withHistory(_ record: CaseRecord) async throws -> CaseRecord {
        var record = record
        record.history = try await database.client.withConnection { connection in
            try await CaseReader(connection: connection, logger: database.logger).history(record.id)
        }
        return record
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
