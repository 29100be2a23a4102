import Foundation
import Workflow

/// People's words in the API: a case's summary, and the labels of a workflow's fields and
/// actions, so that a client can show names rather than ids.
enum PeoplesWords {
    /// A summary as an object of field path to value (only the fields the caller sees).
    static func summary(_ fields: [CaseSummaryField]) -> JSONValue {
        .object(Dictionary(fields.map { ($0.path, $0.value) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The fields the caller sees, with their label (null where none), and the summary's paths
    /// among them.
    static func fields(_ access: CaseAccess) -> [String: JSONValue] {
        let definition = access.definition
        return [
            "fields": .array(definition.fields.filter { access.mayView(field: $0.path.value) }.map { field in
                .object(["path": .string(field.path.value), "type": .string(field.type.description),
                         "label": field.label.map(JSONValue.string) ?? .null])
            }),
            "summary": .array(access.visibleSummaryPaths.map(JSONValue.string)),
            "actions": .array(actions(definition)),
        ]
    }

    /// Every action of the workflow where it is declared (a state, a track's state, or global,
    /// with state null), with its label (null where none): one name may read differently in two states.
    static func actions(_ definition: WorkflowDefinition) -> [JSONValue] {
        func item(_ transition: TransitionDefinition, state: String?, track: String?) -> JSONValue {
            .object(["action": .string(transition.action.value), "state": state.map(JSONValue.string) ?? .null,
                     "track": track.map(JSONValue.string) ?? .null, "label": transition.label.map(JSONValue.string) ?? .null])
        }
        var items: [JSONValue] = []
        for state in definition.states {
            items += state.actions.map { item($0, state: state.id.value, track: nil) }
            if case .parallel(let parallel) = state.kind {
                for track in parallel.tracks {
                    for inner in track.states {
                        items += inner.actions.map { item($0, state: inner.id.value, track: track.id.value) }
                    }
                }
            }
        }
        return items + definition.globalActions.map { item($0, state: nil, track: nil) }
    }
}
