import Foundation

/// The inbox and the search, for an agent: which workflow versions' cases they know, which
/// queues they work, which fields a search may read. Shared by the API and the pages.
extension CaseService {
    /// A task of an inbox, with the rules of its case's workflow version for the caller.
    public struct InboxEntry: Sendable {
        public let entry: TaskStore.Entry
        public let access: CaseAccess
        /// The case's summary as the agent sees it, once the inbox is journaled (`journalInbox`).
        public internal(set) var summary: [CaseSummaryField] = []
    }

    /// The open tasks of the queues the agent works (or `queue` alone), with the rules of the
    /// version each case follows; `kind` is work, escalation or request, `assignee` an agent's
    /// recorded id or "" for free tasks. Journals a read of each case listed, via `route`, and
    /// gives each its summary. With `route` nil nothing is journaled and no summary is read:
    /// the caller journals what it shows (`journalInbox`).
    /// `accesses` are the agent's rules when the caller has them already (`accessToAll`).
    public func inbox(for agent: Agent, accesses: [CaseAccess]? = nil, queue: String? = nil, kind: String? = nil, assignee: String? = nil,
               limit: Int, route: String?) async throws -> [InboxEntry] {
        var worked: [String: CaseAccess] = [:]
        var queues = Set<String>()
        var known = accesses ?? []
        if accesses == nil { known = try await accessToAll(for: agent) }
        for access in known where access.mayKnowCases {
            queues.formUnion(access.queues)
            worked[CaseAccess.versionKey(access.definition.id.value, access.definition.version.value)] = access
        }
        if let queue {
            guard queues.contains(queue) else { throw CaseFailure(.forbidden, "you do not work in queue '\(queue)'") }
            queues = [queue]
        }
        let found: [InboxEntry] = try await TaskStore(database).open(queues: queues.sorted(), limit: 5000).compactMap { entry in
            guard let access = worked[CaseAccess.versionKey(entry.workflowID, entry.workflowVersion)], access.mayWorkOn(queue: entry.task.queue) else {
                return nil
            }
            if let kind, entry.task.kind.rawValue != kind { return nil }
            if let assignee, (entry.task.assignee ?? "") != assignee { return nil }
            return InboxEntry(entry: entry, access: access)
        }
        let entries = Array(found.prefix(limit))
        guard let route else { return entries }
        return try await journalInbox(entries, of: agent, via: route)
    }

    /// An inbox shows where cases stand, their escalations' contexts and their summaries: a
    /// read of each case, with the summary fields shown. The entries come back with their summary.
    public func journalInbox(_ entries: [InboxEntry], of agent: Agent, via route: String) async throws -> [InboxEntry] {
        let summaries = try await listing(entries.map(\.entry.caseID), accesses: entries.map(\.access), by: .agent(agent, via: route))
        return entries.map { found in
            var entry = found
            entry.summary = summaries[found.entry.caseID] ?? []
            return entry
        }
    }

    /// The rules of every published workflow version for the caller.
    public func accessToAll(for agent: Agent) async throws -> [CaseAccess] {
        var result: [CaseAccess] = []
        for summary in try await WorkflowRepository(database).list() {
            result.append(CaseAccess(agent: agent, definition: try await catalog.definition(id: summary.id, version: summary.version)))
        }
        return result
    }

    /// What a case search may look at for the agent: the workflow versions whose cases they
    /// may know, and in each the fields they may see (the text search reads those only).
    public func searchVisibility(for agent: Agent) async throws -> [CaseSearch.Visibility] {
        Self.searchVisibility(try await accessToAll(for: agent))
    }

    public static func searchVisibility(_ accesses: [CaseAccess]) -> [CaseSearch.Visibility] {
        accesses.filter(\.mayListCases).map { access in
            CaseSearch.Visibility(workflowID: access.definition.id.value, version: access.definition.version.value,
                                  fieldPaths: access.visibleFieldPaths)
        }
    }
}
