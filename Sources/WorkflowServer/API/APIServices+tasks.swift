import Foundation
import Workflow

/// The task questions the API and the pages share, so that both answer them the same way.
extension APIServices {
    /// A task of an inbox, with the rules of its case's workflow version for the caller.
    struct InboxEntry {
        let entry: TaskStore.Entry
        let access: CaseAccess
    }

    /// The open tasks of the queues the agent works (or `queue` alone), with the rules of the
    /// version each case follows; `kind` is work or escalation, `assignee` an agent's
    /// recorded id or "" for free tasks. Journals a read of each case listed, via `route`.
    /// With `route` nil nothing is journaled: the caller journals what it shows.
    /// `accesses` are the agent's rules when the caller has them already (`accessToAll`).
    func inbox(for agent: Agent, accesses: [CaseAccess]? = nil, queue: String? = nil, kind: String? = nil, assignee: String? = nil,
               limit: Int, route: String?) async throws -> [InboxEntry] {
        var worked: [String: CaseAccess] = [:]
        var queues = Set<String>()
        var known = accesses ?? []
        if accesses == nil { known = try await accessToAll(for: agent) }
        for access in known where access.mayKnowCases {
            queues.formUnion(access.queues)
            worked["\(access.definition.id.value)@\(access.definition.version.value)"] = access
        }
        if let queue {
            guard queues.contains(queue) else { throw Problem.forbidden("you do not work in queue '\(queue)'") }
            queues = [queue]
        }
        let found: [InboxEntry] = try await tasks.open(queues: queues.sorted(), limit: 5000).compactMap { entry in
            guard let access = worked["\(entry.workflowID)@\(entry.workflowVersion)"], access.mayWorkOn(queue: entry.task.queue) else {
                return nil
            }
            if let kind, (entry.task.escalation == nil ? "work" : "escalation") != kind { return nil }
            if let assignee, (entry.task.assignee ?? "") != assignee { return nil }
            return InboxEntry(entry: entry, access: access)
        }
        let entries = Array(found.prefix(limit))
        if let route { try await journalInbox(entries, of: agent, via: route) }
        return entries
    }

    /// An inbox shows where cases stand and their escalations' contexts: a read of each case.
    func journalInbox(_ entries: [InboxEntry], of agent: Agent, via route: String) async throws {
        try await door.journalListing(entries.map(\.entry.caseID), by: .agent(agent, via: route))
    }
}
