import Foundation
import Workflow

/// The words a page uses for the things of a workflow: a state's title when it has one, a
/// party of a case ("agent:anne" reads "anne").
enum WebLabels {
    static func state(_ id: String, in definition: WorkflowDefinition) -> String {
        definition.state(id)?.title ?? id
    }

    /// A track's state: its title in the track when it has one.
    static func state(_ id: String, track: String, in definition: WorkflowDefinition) -> String {
        trackDefinition(track, in: definition)?.state(id)?.title ?? id
    }

    static func trackDefinition(_ track: String, in definition: WorkflowDefinition) -> TrackDefinition? {
        for state in definition.states {
            if case .parallel(let parallel) = state.kind, let found = parallel.track(track) { return found }
        }
        return nil
    }

    /// A history event in words ("Action", "Escalade"…); the event's own name when untranslated.
    static func event(_ event: String, _ texts: Texts) -> String {
        let key = "event_" + event.replacingOccurrences(of: "-", with: "_")
        let text = texts[key]
        return text == key ? event : text
    }

    /// Whose move it is: the citizen, the engine, or an agency by its name.
    static func party(_ id: String, in definition: WorkflowDefinition?, _ texts: Texts) -> String {
        switch id {
        case "usager": return texts["party_usager"]
        case "engine": return texts["party_engine"]
        default: return definition?.agency(id).map { "\($0.name) (\(id))" } ?? id
        }
    }

    /// Whose move it is, every party named (nobody's on a closed case).
    static func parties(_ ids: [String], in definition: WorkflowDefinition?, _ texts: Texts) -> String {
        ids.isEmpty ? texts["party_nobody"] : ids.map { party($0, in: definition, texts) }.joined(separator: " · ")
    }

    static func actor(_ recorded: String, _ texts: Texts) -> String {
        if recorded.hasPrefix("agent:") { return String(recorded.dropFirst("agent:".count)) }
        if recorded == "system" || recorded == "worker" { return texts["actor_system"] }
        return recorded
    }
}
