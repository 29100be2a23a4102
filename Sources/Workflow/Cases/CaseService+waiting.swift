import Foundation

/// "What waits on my administration?": the parts of cases whose move is the agent's agency,
/// in wait states too (a pension body that works through wait states has no queue task to
/// show), beside the inbox's queues. Shared by the API and the inbox page.
extension CaseService {
    /// One part of a case waiting on an agency: the case's own state, or one open track.
    public struct WaitingPart: Sendable {
        public let caseID: UUID
        public let workflowID: String
        public let workflowVersion: Int
        /// The state that waits: the track's state for a track.
        public let state: String
        public let track: String?
        /// Since when this part has waited in that state.
        public let since: Date
        /// The earliest pending deadline of that state (a timed exit, an SLA), if any.
        public let deadline: Date?
        /// What the agent may do on this part now.
        public let actions: [AvailableAction]
        public let access: CaseAccess
        /// Who the case is about: the workflow's `summary` fields the agent may see (filled,
        /// and journaled, when the parts are listed for someone).
        public var summary: [CaseSummaryField] = []
    }

    /// The parts waiting on the agent's agency, of the cases the agent may know, longest
    /// waiting first. With `route`, each case listed comes with its summary, journaled as
    /// read via that route (nil: nothing read, nothing journaled).
    public func waitingOnAgency(of agent: Agent, accesses: [CaseAccess]? = nil, limit: Int, route: String?) async throws -> [WaitingPart] {
        var known = accesses ?? []
        if accesses == nil { known = try await accessToAll(for: agent) }
        let knowing = known.filter(\.mayListCases)
        let byVersion = CaseAccess.byVersion(knowing)
        var parts: [WaitingPart] = []
        for snapshot in try await store.waiting(on: agent.agency, scope: .of(knowing), limit: limit) {
            // The scope holds only versions whose cases the agent may know.
            guard let access = byVersion[CaseAccess.versionKey(snapshot.workflowID, snapshot.workflowVersion)] else { continue }
            let actions = engine(access.definition).actions(for: access.actor, snapshot)
            let open = snapshot.tracks.filter { !$0.finished }
            let waiting: [(state: String, track: String?, since: Date)] = open.isEmpty
                ? (snapshot.waitingOn == agent.agency ? [(snapshot.state, nil, snapshot.enteredStateAt)] : [])
                : open.filter { $0.waitingOn == agent.agency }.map { ($0.state, $0.track, $0.enteredStateAt) }
            for part in waiting {
                let deadline = snapshot.timers.filter { !$0.kind.isClock }
                    .filter { $0.state == part.state && $0.track == part.track && $0.kind != .stall && $0.kind != .step }
                    .map(\.dueAt).min()
                parts.append(WaitingPart(caseID: snapshot.id, workflowID: snapshot.workflowID, workflowVersion: snapshot.workflowVersion,
                                         state: part.state, track: part.track, since: part.since, deadline: deadline,
                                         actions: actions.filter { $0.track == part.track }, access: access))
            }
        }
        parts.sort { $0.since != $1.since ? $0.since < $1.since : $0.caseID.precedes($1.caseID) }
        var shown = Array(parts.prefix(limit))
        guard let route else { return shown }
        let summaries = try await listing(Array(Set(shown.map(\.caseID))), accesses: known, by: .agent(agent, via: route))
        for index in shown.indices { shown[index].summary = summaries[shown[index].caseID] ?? [] }
        return shown
    }
}
