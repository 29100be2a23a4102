import Foundation

extension HistoryEntry {
    /// The entry's fields under their column names, for the database and for `--json`;
    /// `time` formats `at` as the receiver expects it.
    public func jsonMembers(time: (Date) -> String) -> [String: JSONValue] {
        [
            "at": .string(time(at)),
            "event": .string(event),
            "actor": .string(actor),
            "from_state": fromState.map(JSONValue.string) ?? .null,
            "to_state": toState.map(JSONValue.string) ?? .null,
            "track": track.map(JSONValue.string) ?? .null,
            "name": name.map(JSONValue.string) ?? .null,
            "data_diff": dataDiff ?? .null,
            "reason": reason.map(JSONValue.string) ?? .null,
            "context": context ?? .null,
            "note": note.map(JSONValue.string) ?? .null,
            "note_visible_to": noteVisibleTo.map { .array($0.map(JSONValue.string)) } ?? .null,
            "waiting_on": .string(waitingOn),
        ]
    }
}
