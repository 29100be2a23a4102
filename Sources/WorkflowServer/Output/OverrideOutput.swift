import Foundation
import Workflow

/// Overrides printed one per line for a person, or as a JSON array for scripts.
enum OverrideOutput {
    static func text(_ entry: OverrideLog.Entry) -> String {
        var parts = [CaseOutput.format(entry.at), entry.caseID.lowercasedString,
                     "\(entry.workflowID) v\(entry.workflowVersion)", entry.actor,
                     "\(entry.fromState ?? "(not opened)") → \(entry.toState)"]
        if let track = entry.track { parts.append("[track \(track)]") }
        if let outcome = entry.reopenedFromOutcome { parts.append("(reopened, was \(outcome.isEmpty ? "closed" : outcome))") }
        parts.append("note: \"\(entry.note)\"")
        return parts.joined(separator: "  ")
    }

    static func json(_ entry: OverrideLog.Entry) -> JSONValue {
        .object([
            "sequence": .number(JSONNumber(Int(entry.sequence))),
            "at": .string(CaseOutput.format(entry.at)),
            "case_id": .string(entry.caseID.lowercasedString),
            "workflow": .string(entry.workflowID),
            "workflow_version": .number(JSONNumber(entry.workflowVersion)),
            "case_version": .number(JSONNumber(entry.caseVersion)),
            "actor": .string(entry.actor),
            "from_state": entry.fromState.map(JSONValue.string) ?? .null,
            "to_state": .string(entry.toState),
            "track": entry.track.map(JSONValue.string) ?? .null,
            "note": .string(entry.note),
            "reopened": .bool(entry.reopened),
            "reopened_from_outcome": entry.reopenedFromOutcome.map(JSONValue.string) ?? .null,
        ])
    }
}

extension OutputOptions {
    func print(_ overrides: [OverrideLog.Entry]) {
        if json {
            Swift.print(JSONValue.array(overrides.map(OverrideOutput.json)).serialized())
        } else {
            for entry in overrides { Swift.print(OverrideOutput.text(entry)) }
        }
    }
}
