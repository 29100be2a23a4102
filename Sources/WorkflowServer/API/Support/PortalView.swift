import Foundation
import Workflow

/// A case as the citizen's portal shows it to the person: where it stands in words, whose
/// move it is, the dates, and what they may do; no internal data, tasks or notes.
enum PortalView {
    static func json(_ reading: CaseReading) -> JSONValue {
        let (record, definition) = (reading.record, reading.definition)
        let snapshot = record.snapshot
        // Whose move: the case's own, or in a parallel state each open track's.
        let open = snapshot.tracks.filter { !$0.finished }.map(\.waitingOn)
        let parties = Array(Set(open.isEmpty ? [snapshot.waitingOn] : open)).sorted()
        let actions = reading.actions.map { JSONValue.string($0.action) }
        return .object([
            "id": JSONResponse.id(snapshot.id),
            "workflow": .string(snapshot.workflowID),
            "title": definition.title.map(JSONValue.string) ?? .null,
            "status": .string(snapshot.status.isClosed ? "closed" : "open"),
            "public_label": definition.state(snapshot.state)?.publicLabel.map(JSONValue.string) ?? .null,
            "waiting_on": .string(party(parties)),
            "agencies": .array(parties.filter { $0 != "usager" && $0 != "engine" }.map(JSONValue.string)),
            "actions": .array(actions),
            "created_at": JSONResponse.time(snapshot.createdAt),
            "since": JSONResponse.time(snapshot.enteredStateAt),
            "last_event_at": JSONResponse.time(snapshot.lastEventAt),
            "closed_at": JSONResponse.time(record.closedAt),
        ])
    }

    /// The person's move when any part waits on them; the administration's when an agency
    /// holds it; the engine's only when nothing else does.
    static func party(_ parties: [String]) -> String {
        if parties.contains("usager") { return "usager" }
        if parties.contains(where: { $0 != "engine" }) { return "administration" }
        return "engine"
    }
}
