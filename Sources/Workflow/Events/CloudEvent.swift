import Foundation

/// An outbox event as a CloudEvents 1.0 envelope, structured JSON mode: `data` is the case
/// as the change left it, limited to what the receiving agency's agent may see.
public enum CloudEvent {
    /// The envelope of `event` for a reader whose rules are `access`.
    public static func envelope(_ event: EventStore.Stored, for access: CaseAccess) -> JSONValue {
        var data: [String: JSONValue] = [
            "case": .string(event.caseID.lowercasedString),
            "workflow": .string(event.workflowID),
            "workflow_version": .number(JSONNumber(event.workflowVersion)),
            "version": .number(JSONNumber(event.caseVersion)),
        ]
        for key in ["status", "outcome", "state", "tracks", "whose_move"] {
            data[key] = event.payload.value(at: key) ?? .null
        }
        if let escalation = event.payload.value(at: "escalation") { data["escalation"] = escalation }
        if let request = event.payload.value(at: "request") { data["request"] = request }
        data["data"] = access.visibleData(event.payload.value(at: "data") ?? .object([:]))
        return .object([
            "specversion": "1.0",
            "id": .string(event.id.lowercasedString),
            "source": .string("/parcours/workflows/\(event.workflowID)"),
            "type": .string(event.type),
            "subject": .string(event.caseID.lowercasedString),
            "time": .string(RFC3339.format(event.at, in: TimeZone(identifier: "UTC")!)),
            "datacontenttype": "application/json",
            "sequence": .string(event.cursor.text),
            "data": .object(data),
        ])
    }

    /// Whether `access` receives the event at all: every event of the cases it knows, or, for
    /// an agency the workflow only asks, the events of the requests sent to it, and nothing
    /// else of the case (before consent, not even that it exists).
    public static func isShown(_ event: EventStore.Stored, to access: CaseAccess) -> Bool {
        guard access.mayKnowCases else { return false }
        guard access.knowsOnlyCasesAskedOfIt else { return true }
        return event.type.hasPrefix("parcours.request.") && event.payload.value(at: "request.to")?.stringValue == access.agent.agency
    }

    /// The fields of the case an envelope shows to `access` (for the journal).
    public static func fieldsShown(_ event: EventStore.Stored, to access: CaseAccess) -> [String] {
        let data = event.payload.value(at: "data") ?? .object([:])
        return access.visibleFieldPaths.filter { data.value(at: $0) != nil }
    }

    /// The values shown to `access` that another administration provided through a request,
    /// with the request and its legal basis (for the journal).
    public static func sourcesShown(_ event: EventStore.Stored, to access: CaseAccess) -> [AccessJournal.Source] {
        let received = (event.payload.value(at: "provided")?.arrayValue ?? []).compactMap { item -> AccessJournal.Source.Received? in
            guard let field = item.value(at: "field")?.stringValue, let id = item.value(at: "request")?.stringValue,
                  let request = access.definition.request(id) else { return nil }
            return AccessJournal.Source.Received(request: id, agency: request.to.value, field: field, digest: nil)
        }
        return AccessJournal.Source.of(received, read: fieldsShown(event, to: access), data: nil, in: access.definition,
                                       readerAgency: access.agent.agency)
    }
}
