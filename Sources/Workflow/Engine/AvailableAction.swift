import Foundation

/// An action a given actor may fire now, the track it must name (nil: none needed), and what
/// a form for it asks: the fields it `requires` and whether a `note` is required.
public struct AvailableAction: Sendable, Hashable {
    public var action: String
    public var track: String?
    /// The fields that must hold a value once the action's data is merged.
    public var requires: [String] = []
    public var noteRequired = false
    /// The state the action leads to, or nil when it escalates.
    public var target: String?
    /// The action's name for people: its `label`, or its id.
    public var label: String
    /// The queue of the state offering it (nil for a global action or a state without a
    /// queue): whose work it is, for putting an agent's own work first.
    public var queue: String?
    /// Whether it ends the whole case: it leads the main state (not a track's) to a final
    /// state, as a withdrawal does. A page asks for confirmation before sending it.
    public var closesCase = false

    init(_ offer: ActionOffer, name: String, track: String?, definition: WorkflowDefinition) {
        action = name
        self.track = track
        requires = offer.transition.requires.map(\.value)
        noteRequired = offer.transition.note == .required
        target = offer.transition.target.state?.value
        label = offer.transition.label ?? name
        if case .human(let queue) = offer.state?.kind { self.queue = queue.value }
        closesCase = offer.track == nil && target.flatMap { definition.state($0) }?.isFinal == true
    }
}
