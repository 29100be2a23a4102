import Foundation

/// "The cases I answer for": the referent's section of the inbox. Every open case whose
/// referent the agent is, with whose move it is in each agency and its open escalations,
/// even where the agent's own role has no task. Shared by the API and the inbox page.
extension CaseService {
    /// One open case the agent is referent of.
    public struct ReferredCase: Sendable {
        /// One part of the case that waits: its own state, or one open track.
        public struct Part: Sendable, Hashable {
            public var state: String
            public var track: String?
            /// Whose move it is there: an agency, `usager` or `engine`.
            public var waitingOn: String
            public var since: Date
        }

        /// An open escalation of the case (it stays in its queue; the referent sees it).
        public struct OpenEscalation: Sendable, Hashable {
            public var reason: String
            public var queue: String
            /// The agency of the queue that holds it.
            public var agency: String?
            public var state: String
            public var track: String?
            public var openedAt: Date
        }

        public let caseID: UUID
        public let workflowID: String
        public let workflowVersion: Int
        public let state: String
        public let version: Int
        public let createdAt: Date
        public let parts: [Part]
        /// Every party whose move it is, the agencies holding an escalation included.
        public let whoseMove: [String]
        public let escalations: [OpenEscalation]
        /// What the agent may do on the case now.
        public let actions: [AvailableAction]
        public let access: CaseAccess
        /// Who the case is about, as the agent may see it (filled and journaled when listed).
        public var summary: [CaseSummaryField] = []
    }

    /// The open cases whose referent the agent is, of the workflow versions whose cases they
    /// may know, oldest first. With `route`, each case listed comes with its summary,
    /// journaled as read via that route (nil: nothing read, nothing journaled).
    public func referredCases(of agent: Agent, accesses: [CaseAccess]? = nil, limit: Int, route: String?) async throws -> [ReferredCase] {
        var known = accesses ?? []
        if accesses == nil { known = try await accessToAll(for: agent) }
        let knowing = known.filter(\.mayListCases)
        let byVersion = CaseAccess.byVersion(knowing)
        var found: [ReferredCase] = []
        for snapshot in try await store.referred(to: agent.id, scope: .of(knowing), limit: limit) {
            guard let access = byVersion[CaseAccess.versionKey(snapshot.workflowID, snapshot.workflowVersion)] else { continue }
            let definition = access.definition
            let open = snapshot.tracks.filter { !$0.finished }
            let parts = open.isEmpty
                ? [ReferredCase.Part(state: snapshot.state, track: nil, waitingOn: snapshot.waitingOn, since: snapshot.enteredStateAt)]
                : open.map { ReferredCase.Part(state: $0.state, track: $0.track, waitingOn: $0.waitingOn, since: $0.enteredStateAt) }
            let escalations = snapshot.tasks.compactMap { task -> ReferredCase.OpenEscalation? in
                guard let escalation = task.escalation else { return nil }
                return ReferredCase.OpenEscalation(reason: escalation.reason, queue: task.queue, agency: definition.agency(ofQueue: task.queue),
                                                   state: task.state, track: task.track, openedAt: task.openedAt)
            }
            found.append(ReferredCase(caseID: snapshot.id, workflowID: snapshot.workflowID, workflowVersion: snapshot.workflowVersion,
                                      state: snapshot.state, version: snapshot.version, createdAt: snapshot.createdAt,
                                      parts: parts, whoseMove: snapshot.whoseMove(in: definition), escalations: escalations,
                                      actions: engine(definition).actions(for: access.actor, snapshot), access: access))
        }
        guard let route, !found.isEmpty else { return found }
        let summaries = try await listing(found.map(\.caseID), accesses: known, by: .agent(agent, via: route))
        for index in found.indices { found[index].summary = summaries[found[index].caseID] ?? [] }
        return found
    }

    /// The referents report for a supervisor: open cases without a referent by workflow and
    /// age, and each referent's load, over the workflows whose cases the caller may know.
    public func referentReport(by caller: CaseCaller) async throws -> ReferentReport {
        switch caller.kind {
        case .operatorUser:
            return try await ReferentReport.make(database, scope: .everything)
        case .agent(let agent) where agent.supervisor && !agent.portal:
            return try await ReferentReport.make(database, scope: .of(try await accessToAll(for: agent).filter(\.mayListCases)))
        default:
            throw CaseFailure(.forbidden, "the referents report is for supervisors")
        }
    }
}
