import Foundation
import Workflow

/// The words a page uses for the things of a workflow: a state's title when it has one, a
/// party of a case ("agent:anne" reads "anne").
enum WebLabels {
    static func state(_ id: String, in definition: WorkflowDefinition) -> String {
        definition.state(id)?.title ?? id
    }

    static func actor(_ recorded: String, _ texts: Texts) -> String {
        if recorded.hasPrefix("agent:") { return String(recorded.dropFirst("agent:".count)) }
        if recorded == "system" || recorded == "worker" { return texts["actor_system"] }
        return recorded
    }
}
