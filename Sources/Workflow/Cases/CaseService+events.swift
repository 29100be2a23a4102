import Foundation

/// The event feed, for the systems that pull: the outbox's envelopes after a cursor, of the
/// cases the caller may know, each limited to what the caller may see and journaled as a
/// read of the fields it shows.
extension CaseService {
    public struct EventPage: Sendable {
        public var envelopes: [JSONValue]
        /// The cursor of the last event read (send it back as `after`), nil when none.
        public var last: EventStore.Cursor?
    }

    public func events(for agent: Agent, after: EventStore.Cursor?, types: [String]?, limit: Int, route: String) async throws -> EventPage {
        let known = try await accessToAll(for: agent).filter(\.mayKnowCases)
        let byVersion = CaseAccess.byVersion(known)
        let events = try await EventStore(database).page(after: after, types: types, scope: .of(known), limit: limit)
        var envelopes: [JSONValue] = []
        var journal: [AccessJournal.Row] = []
        let caller = CaseCaller.agent(agent, via: route)
        for event in events {
            guard let access = byVersion[CaseAccess.versionKey(event.workflowID, event.workflowVersion)],
                  CloudEvent.isShown(event, to: access) else { continue }
            envelopes.append(CloudEvent.envelope(event, for: access))
            journal.append(.read(event.caseID, by: AccessJournal.Access(actor: caller.actor.recorded, agency: caller.actor.agency, via: route),
                                 fields: CloudEvent.fieldsShown(event, to: access), sources: CloudEvent.sourcesShown(event, to: access)))
        }
        try await self.journal.write(journal)
        return EventPage(envelopes: envelopes, last: events.last?.cursor)
    }
}
