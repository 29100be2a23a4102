import Foundation

/// The one door to the cases: every front-end (API routes, pages, command line, and the
/// systems and sign-ins to come) reads and changes cases through it, with a `CaseCaller`.
///
/// It owns the rules above the engine: knowing a case (else not found), what the caller may
/// see and write, who may read each note, who may resolve a task, what a refusal may reveal,
/// and the access journal of every read and change. It returns values (`CaseReading`) or
/// throws a `CaseFailure`, never HTTP. A change is one transaction: the case read once under
/// its lock, the rules applied, the engine's change and the journal written by one statement.
public struct CaseService: Sendable {
    let store: CaseStore
    let catalog: WorkflowCatalog
    let database: Database
    let journal: AccessJournal

    public init(database: Database, catalog: WorkflowCatalog, calendar: BusinessCalendar = .french) {
        self.database = database
        self.catalog = catalog
        store = CaseStore(database, catalog: catalog, calendar: calendar)
        journal = AccessJournal(database)
    }

    /// The engine for one workflow version, with the deployment's calendar.
    public func engine(_ definition: WorkflowDefinition) -> WorkflowEngine { store.engine(definition) }

    /// The rules of a caller in one workflow version.
    public func rules(_ caller: CaseCaller, workflow id: String, version: Int?) async throws -> CaseRules {
        CaseRules(caller, definition: try await catalog.definition(id: id, version: version))
    }

    /// A case as the caller may see it, journaled as a read of the fields it shows;
    /// with `history`, its timeline too.
    public func read(_ id: UUID, by caller: CaseCaller, history: Bool = false) async throws -> CaseReading {
        let (record, rules) = try await known(id, by: caller, history: history)
        let reading = self.reading(record, rules: rules)
        var fields = rules.readFields(record.snapshot)
        if history {
            fields = Array(Set(fields).union(reading.record.history.flatMap { $0.entry.dataDiff?.objectValue.map { Array($0.keys) } ?? [] }))
        }
        try await journal.read(id, by: rules.journalAccess, fields: fields, sources: rules.readSources(record.snapshot, fields: fields))
        return reading
    }

    /// Opens a case on a published workflow (its latest version unless one is named), as at a
    /// counter for an agent, for the person for the portal.
    public func create(workflow: String, version: Int? = nil, data: JSONValue, citizenRef: String? = nil,
                       by caller: CaseCaller) async throws -> CaseReading {
        let unknown = CaseFailure(.notFound, "no workflow '\(workflow)'\(version.map { " version \($0)" } ?? "") that you may use is published",
                                  problems: [.init("no such workflow", pointer: "/workflow")])
        let rules: CaseRules
        do {
            rules = try await self.rules(caller, workflow: workflow, version: version)
        } catch let error as StoreError where error.code == .notFound {
            throw unknown
        }
        guard rules.mayKnowCases else { throw unknown }
        if rules.access?.mayCreateCases == false {
            throw CaseFailure(.forbidden, "your agency only answers this workflow's requests: it opens no case of it")
        }
        if let failure = rules.writeFailure(data) { throw failure }
        var reference = citizenRef
        if case .citizen(let person, _) = caller.kind { reference = person }
        do {
            let (record, _) = try await store.create(definition: rules.definition, data: data, actor: rules.actor,
                                                     citizenRef: reference, via: caller.via) { change in
                [.read(change.after.id, by: rules.journalAccess, fields: rules.readFields(change.after),
                       sources: rules.readSources(change.after, fields: rules.readFields(change.after)))]
            }
            return reading(record, rules: rules)
        } catch let error as StoreError {
            throw Self.failure(error, rules: rules)
        }
    }

    /// Applies a change the caller asks for, in one transaction, and returns the case after
    /// it as the caller may see it (without its history).
    public func change(_ id: UUID, _ request: CaseRequest, by caller: CaseCaller) async throws -> CaseReading {
        try await change(id, request, by: caller) { _, _ in }
    }

    /// `change`, with `check` run on the locked case once it is known to the caller (a task's
    /// holder), and able to refuse.
    func change(_ id: UUID, _ request: CaseRequest, by caller: CaseCaller,
                check: (CaseRecord, CaseRules) throws -> Void,
                after: @escaping (CaseChange, CaseRules) throws -> Void = { _, _ in }) async throws -> CaseReading {
        var judged: CaseRules?
        do {
            let (record, _) = try await store.change(id, expectedVersion: request.expectedVersion, via: caller.via) { record, definition in
                let rules = CaseRules(caller, definition: definition)
                judged = rules
                guard rules.knows(record) else { throw CaseFailure.notFound(Self.noCase(id, caller)) }
                try check(record, rules)
                if let failure = rules.writeFailure(request.data) { throw failure }
                let audience = try NoteAudience.resolve(request.noteVisibleTo, kind: request.kind, rules: rules,
                                                        referent: record.snapshot.referent)
                let event = CaseEvent(request.kind, actor: rules.actor, note: request.note)
                return CaseStore.Prepared(
                    event: event,
                    adjust: { change in
                        guard let note = request.note else { return }
                        // A note an escalation carries as its reason explains the path: every
                        // agency that knows the case reads it (the pages say so next to the form).
                        let isReason = change.openedTasks.contains { $0.escalation?.context.value(at: "note")?.stringValue == note }
                        for index in change.history.indices where change.history[index].note == note {
                            change.history[index].noteVisibleTo = isReason ? [NoteAudience.everyone] : audience
                        }
                    },
                    check: { change in try after(change, rules) },
                    journal: { change in
                        let fields = rules.readFields(change.after)
                        return [.read(id, by: rules.journalAccess, fields: fields, sources: rules.readSources(change.after, fields: fields))]
                    })
            }
            return reading(record, rules: judged!)
        } catch let error as StoreError where error.code == .notFound {
            throw CaseFailure.notFound(Self.noCase(id, caller))
        } catch let error as StoreError {
            guard let rules = judged else { throw error }
            throw Self.failure(error, rules: rules)
        }
    }

    /// A case and the caller's rules for it, when the caller may know it; else not found, the
    /// same answer as for no case.
    func known(_ id: UUID, by caller: CaseCaller, history: Bool) async throws -> (CaseRecord, CaseRules) {
        let record: CaseRecord
        do {
            record = try await database.client.withConnection { connection in
                try await CaseReader(connection: connection, logger: database.logger).record(id, history: history)
            }
        } catch let error as StoreError where error.code == .notFound {
            throw CaseFailure.notFound(Self.noCase(id, caller))
        }
        let rules = CaseRules(caller, definition: try await catalog.definition(id: record.snapshot.workflowID,
                                                                              version: record.snapshot.workflowVersion))
        guard rules.knows(record) else { throw CaseFailure.notFound(Self.noCase(id, caller)) }
        return (record, rules)
    }

    /// A case limited to what the caller may see, with the actions they may fire now.
    func reading(_ record: CaseRecord, rules: CaseRules) -> CaseReading {
        let engine = engine(rules.definition)
        let actions = record.snapshot.status.isClosed ? [] : engine.actions(for: rules.actor, record.snapshot)
        var reading = CaseReading(record: rules.visible(record), rules: rules, actions: actions)
        reading.clocks = CaseClock.of(record.snapshot, definition: rules.definition, calendar: engine.calendar)
        return reading
    }

    static func noCase(_ id: UUID, _ caller: CaseCaller) -> String {
        if case .citizen = caller.kind { return "no case \(id.lowercasedString) of this person" }
        return "no case \(id.lowercasedString)"
    }
}

extension CaseService {
    /// `reading` with the case's timeline, as its caller may see it: for a command line that
    /// prints the whole case after a change (the change journaled the read of its answer).
    public func withHistory(_ reading: CaseReading) async throws -> CaseReading {
        var result = reading
        result.record = reading.rules.visible(try await store.withHistory(reading.record))
        return result
    }
}
