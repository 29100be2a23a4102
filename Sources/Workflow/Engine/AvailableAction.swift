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

    init(_ offer: ActionOffer, name: String, track: String?) {
        action = name
        self.track = track
        requires = offer.transition.requires.map(\.value)
        noteRequired = offer.transition.note == .required
        target = offer.transition.target.state?.value
        label = offer.transition.label ?? name
    }
}
