import Foundation
import PostgresNIO

/// Tasks in queues: inboxes, and who holds a task. Closing a task is the engine's
/// business (an action, an override, a hand-over), never done here.
public struct TaskStore: Sendable {
    /// An open task with what an inbox shows of its case.
    public struct Entry: Sendable {
        public var task: CaseTask
        public var caseID: UUID
        public var workflowID: String
        public var workflowVersion: Int
        public var caseState: String
        public var waitingOn: String
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// The open tasks of the queues, most urgent first: escalations, then by SLA due time.
    public func open(queues: [String], limit: Int = 100) async throws -> [Entry] {
        let rows = try await database.client.query("""
            SELECT t.id, t.queue, t.state, t.track, t.reason, t.context::text, t.assignee, t.sla_due_at, t.opened_at,
                   c.id, c.workflow_id, c.workflow_version, c.state, c.waiting_on
            FROM tasks t JOIN cases c ON c.id = t.case_id
            WHERE t.closed_at IS NULL AND t.queue = ANY(\(queues))
            ORDER BY (t.kind = 'escalation') DESC, t.sla_due_at NULLS LAST, t.opened_at, t.id
            LIMIT \(limit)
            """, logger: database.logger)
        var entries: [Entry] = []
        for try await (id, queue, state, track, reason, context, assignee, due, opened, caseID, workflowID, workflowVersion, caseState, waitingOn)
            in rows.decode((UUID, String, String, String?, String?, String?, String?, Date?, Date, UUID, String, Int, String, String).self) {
            let (escalation, request) = CaseTask.columns(reason: reason, context: try context.map { try JSONValue(parsing: $0) })
            let task = CaseTask(id: id, queue: queue, state: state, track: track, escalation: escalation, request: request,
                                assignee: assignee, slaDueAt: due, openedAt: opened)
            entries.append(Entry(task: task, caseID: caseID, workflowID: workflowID, workflowVersion: workflowVersion,
                                 caseState: caseState, waitingOn: waitingOn))
        }
        return entries
    }

    /// Who may change a task's assignee.
    private enum Rule {
        /// A free task, or one `agent` already holds (claiming twice is harmless).
        case freeOrHeldBy(String)
        /// Only the agent holding it.
        case heldBy(String)
        /// Anyone allowed to override (a supervisor, an operator).
        case anyone
    }

    /// Takes a free task (or one already held by `agent`); a task held by someone else is a conflict.
    public func claim(_ taskID: UUID, by agent: String, journal: AccessJournal.Access? = nil) async throws {
        try await changeAssignee(taskID, to: agent, actor: agent, event: "task-claimed", rule: .freeOrHeldBy(agent), journal: journal)
    }

    /// Gives a held task back to its queue.
    public func release(_ taskID: UUID, by agent: String, journal: AccessJournal.Access? = nil) async throws {
        try await changeAssignee(taskID, to: nil, actor: agent, event: "task-released", rule: .heldBy(agent), journal: journal)
    }

    /// Hands a task to a named agent: a supervisor's move on any task (`overriding`), else a
    /// queue mate's on a free task or one they hold.
    public func assign(_ taskID: UUID, to agent: String, by actor: String, overriding: Bool = false,
                       journal: AccessJournal.Access? = nil) async throws {
        try await changeAssignee(taskID, to: agent, actor: actor, event: "task-assigned",
                                 rule: overriding ? .anyone : .freeOrHeldBy(actor), journal: journal)
    }

    /// One transaction: update the assignee when the rule allows, and record it in the history.
    /// The case row is locked before the task, in the same order as a case change, so that
    /// an assignment and a change of the case never interleave or deadlock. An assignment
    /// does not change the case's version: it changes who works, not the case.
    /// `journal` says who and by which way, for the access journal (else the actor, by the event).
    private func changeAssignee(_ taskID: UUID, to assignee: String?, actor: String, event: String, rule: Rule,
                                journal: AccessJournal.Access?) async throws {
        try await database.transaction { connection in
            let cases = try await connection.query("""
                SELECT c.id, c.version, c.waiting_on, c.whose_move FROM cases c
                WHERE c.id = (SELECT case_id FROM tasks WHERE id = \(taskID) AND closed_at IS NULL)
                FOR UPDATE
                """, logger: database.logger)
            var owner: (UUID, Int, String, [String])?
            for try await row in cases.decode((UUID, Int, String, [String]).self) { owner = row }
            guard let (caseID, version, waitingOn, whoseMove) = owner else { throw StoreError(.notFound, "no open task \(taskID)") }

            let tasks = try await connection.query("""
                SELECT assignee, state, track FROM tasks WHERE id = \(taskID) AND closed_at IS NULL FOR UPDATE
                """, logger: database.logger)
            var found: (String?, String, String?)?
            for try await row in tasks.decode((String?, String, String?).self) { found = row }
            guard let (current, state, track) = found else { throw StoreError(.notFound, "no open task \(taskID)") }
            switch rule {
            case .freeOrHeldBy(let agent) where current != nil && current != agent:
                throw StoreError(.conflict, "task \(taskID) is already held by \(current!); ask them to release it or a supervisor to assign it")
            case .heldBy(let agent) where current != agent:
                throw StoreError(.conflict, "task \(taskID) is not held by \(agent)" + (current.map { "; \($0) holds it" } ?? ""))
            default:
                break
            }
            try await connection.query("UPDATE tasks SET assignee = \(assignee) WHERE id = \(taskID)", logger: database.logger)
            let now = try await CaseStore.databaseClock(connection, logger: database.logger)
            let context: JSONValue = .object([
                "task": .string(taskID.lowercasedString),
                "from": current.map(JSONValue.string) ?? .null,
                "to": assignee.map(JSONValue.string) ?? .null,
            ])
            let entry = HistoryEntry(event: event, actor: actor, fromState: state, toState: state, track: track, context: context,
                                     waitingOn: waitingOn, at: now)
            try await CaseWriter(connection: connection, logger: database.logger)
                .write([], history: [CaseWriter.HistoryLine(caseID: caseID, caseVersion: version, entry: entry, whoseMove: whoseMove)],
                       journal: [.change(caseID, by: journal ?? AccessJournal.Access(actor: actor, via: event), fields: [])], now: now)
        }
    }
}

extension TaskStore {
    /// Where an open task stands: its case, queue and holder; nil when there is no such open task.
    public func locate(_ taskID: UUID) async throws -> (caseID: UUID, queue: String, assignee: String?)? {
        let rows = try await database.client.query(
            "SELECT case_id, queue, assignee FROM tasks WHERE id = \(taskID) AND closed_at IS NULL", logger: database.logger)
        for try await (caseID, queue, assignee) in rows.decode((UUID, String, String?).self) { return (caseID, queue, assignee) }
        return nil
    }
}
