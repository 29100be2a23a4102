/// A legal clock (language brief, "Legal clocks"): a deadline that runs across states,
/// stops while the case waits on the person, and says how its due date was computed, as
/// French procedure counts délais d'instruction and "silence vaut accord / rejet".
public struct ClockDefinition: Sendable {
    /// What happens to the time already counted when a suspension ends.
    public enum ResumeRule: String, Sendable, CaseIterable {
        /// The clock starts again from zero (CRPA L114-5: the delay runs from the complete file).
        case restart
        /// The clock goes on where it stopped: the suspension is not counted.
        case `continue`
    }

    /// What the administration's silence means at expiry, as the citizen is told.
    public enum Silence: String, Sendable, CaseIterable {
        case accord
        case rejet
        case none
    }

    public var id: Located<String>
    public var label: String?
    public var duration: Located<WorkflowDuration>
    /// Entering any of these starts the clock, once: `STATE`, or `TRACK.STATE`.
    public var startsOn: [Located<String>]
    /// While the case (or the named track) is in any of these, the clock is suspended.
    public var suspendedIn: [Located<String>]
    public var onResume: ResumeRule
    /// Entering any of these ends the clock; so does closing the case.
    public var stopsOn: [Located<String>]
    /// When given, an escalation `clock-warning` this long before the due date.
    public var warnBefore: Located<WorkflowDuration>?
    /// At expiry: a state of the main machine the case moves to, or an escalation.
    public var onExpiry: TransitionTarget
    public var silence: Silence

    public init(id: Located<String>, label: String? = nil, duration: Located<WorkflowDuration>, startsOn: [Located<String>],
                suspendedIn: [Located<String>] = [], onResume: ResumeRule = .restart, stopsOn: [Located<String>] = [],
                warnBefore: Located<WorkflowDuration>? = nil, onExpiry: TransitionTarget, silence: Silence = .none) {
        self.id = id
        self.label = label
        self.duration = duration
        self.startsOn = startsOn
        self.suspendedIn = suspendedIn
        self.onResume = onResume
        self.stopsOn = stopsOn
        self.warnBefore = warnBefore
        self.onExpiry = onExpiry
        self.silence = silence
    }

    /// The label for people: `label`, else the id.
    public var title: String { label ?? id.value }

    /// Whether `reference` (`STATE` or `TRACK.STATE`) names `state` of `track` (nil: the main machine).
    public static func names(_ reference: String, state: String, track: String?) -> Bool {
        guard let track else { return reference == state }
        return reference == "\(track).\(state)"
    }
}
