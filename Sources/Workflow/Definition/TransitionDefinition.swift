/// An action of a state or of `global_actions`: where it leads and on what conditions.
public struct TransitionDefinition: Sendable {
    public var action: Located<String>
    public var target: TransitionTarget
    /// The guard; an unknown result refuses the action and names the missing field.
    public var when: ExpressionSource?
    /// Fields that must be present (after merging the action's data).
    public var requires: [Located<String>]
    /// Data the transition writes: field path and the expression giving its value.
    public var assignments: [FieldAssignment]
    /// Roles (or `usager`) allowed to fire it; empty means the brief's default.
    public var firedBy: [Located<String>]
    public var note: NoteRequirement
    /// The action's name for people (`label:`); pages show the action's id when there is none.
    public var label: String?

    public init(action: Located<String>, target: TransitionTarget, when: ExpressionSource? = nil,
                requires: [Located<String>] = [], assignments: [FieldAssignment] = [],
                firedBy: [Located<String>] = [], note: NoteRequirement = .optional, label: String? = nil) {
        self.action = action
        self.target = target
        self.when = when
        self.requires = requires
        self.assignments = assignments
        self.firedBy = firedBy
        self.note = note
        self.label = label
    }
}

/// Where a transition, a rule or a timed exit leads: a state, or an escalation.
public enum TransitionTarget: Sendable {
    case state(Located<String>)
    case escalate(Located<String>)

    public var state: Located<String>? {
        if case .state(let id) = self { return id }
        return nil
    }

    public var escalation: Located<String>? {
        if case .escalate(let code) = self { return code }
        return nil
    }
}

/// Whether the person firing an action must justify it (`note:`).
public enum NoteRequirement: String, Sendable {
    case required
    case optional
}

/// One entry of `set:`: a field and the expression that computes its new value.
public struct FieldAssignment: Sendable {
    public var field: Located<String>
    public var value: ExpressionSource

    public init(field: Located<String>, value: ExpressionSource) {
        self.field = field
        self.value = value
    }
}

/// One rule of an auto state's `choose:`.
public struct ChooseRule: Sendable {
    public var when: ExpressionSource
    public var target: TransitionTarget
    public var location: SourceLocation

    public init(when: ExpressionSource, target: TransitionTarget, location: SourceLocation) {
        self.when = when
        self.target = target
        self.location = location
    }
}

/// One entry of `after:`: a delay counted from entering the state, and where it leads.
public struct TimedExit: Sendable {
    public var delay: Located<WorkflowDuration>
    public var target: TransitionTarget
    public var location: SourceLocation

    public init(delay: Located<WorkflowDuration>, target: TransitionTarget, location: SourceLocation) {
        self.delay = delay
        self.target = target
        self.location = location
    }
}
