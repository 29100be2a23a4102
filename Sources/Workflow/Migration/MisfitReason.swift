/// Why a case cannot move to another version of its workflow: one reason per thing that does
/// not fit, all of them at once, for the person who settles the `migration-misfit` escalation.
public struct MisfitReason: Sendable, Hashable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The case's state (or a track's) is not in the new version, and `--map` names none.
        public static let stateMissing = Code("state-missing")
        /// A track the case runs has no counterpart in the new version's parallel state.
        public static let trackMissing = Code("track-missing")
        /// The case's data breaks the new version's fields.
        public static let invalidData = Code("invalid-data")
        /// The state exists but is of another kind (parallel, automatic, final) in the new
        /// version: the case would have to move on by itself, which a migration never does.
        public static let kindChanged = Code("kind-changed")
        /// A legal clock running for the case is not in the new version: it would be lost.
        public static let clockMissing = Code("clock-missing")
        /// A request to another administration is under way (sent, or withheld until the
        /// person consents) and the new version would not know it where it stands.
        public static let requestOpen = Code("request-open")
    }

    public var code: Code
    public var message: String
    public var state: String?
    public var track: String?
    public var field: String?

    public init(_ code: Code, _ message: String, state: String? = nil, track: String? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.state = state
        self.track = track
        self.field = field
    }

    /// As the escalation's context and the reports give it.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["code": .string(code.name), "message": .string(message)]
        if let state { object["state"] = .string(state) }
        if let track { object["track"] = .string(track) }
        if let field { object["field"] = .string(field) }
        return .object(object)
    }
}

extension Refusal.Code {
    /// A migration found the case already on the version it moves cases to.
    public static let alreadyOnVersion = Refusal.Code("already-on-version")
    /// A case that does not fit already has an open `migration-misfit` escalation for this version.
    public static let misfitAlreadyEscalated = Refusal.Code("misfit-already-escalated")
    /// A migration asked for a version of the workflow that is not published (for a caller
    /// who may know the workflow: to others, no workflow at all).
    public static let versionNotPublished = Refusal.Code("version-not-published")
    /// A case settled into another version may not be put in a final state that way (a request
    /// that cannot be carried out, not a right the caller lacks).
    public static let finalStateByMigration = Refusal.Code("final-state")
}
