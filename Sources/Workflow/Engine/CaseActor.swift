/// Who causes an event: an agent, the citizen's portal, an operator at the command line, or the engine.
public struct CaseActor: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// An agent of an agency, with the roles they hold.
        case agent(id: String, agency: String, roles: Set<String>, supervisor: Bool)
        /// The citizen, through the portal, identified by the portal's reference.
        case citizen(reference: String)
        /// A trusted operator using the command line (`cli:NAME`): may fire any action.
        case operatorUser(name: String)
        /// The engine itself: timers, automatic steps, the sweep.
        case engine
    }

    public var kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    public static let engine = CaseActor(.engine)

    /// How the actor is recorded in the history: `agent:ID`, `citizen:REF`, `cli:NAME`, `engine`.
    public var recorded: String {
        switch kind {
        case .agent(let id, _, _, _): "agent:\(id)"
        case .citizen(let reference): "citizen:\(reference)"
        case .operatorUser(let name): "cli:\(name)"
        case .engine: "engine"
        }
    }
}

extension CaseActor {
    /// The agency of an agent; nil for the citizen, an operator or the engine.
    public var agency: String? {
        if case .agent(_, let agency, _, _) = kind { return agency }
        return nil
    }
}

extension CaseActor {
    /// The portal's reference of the person, when the actor is the citizen.
    public var citizenReference: String? {
        if case .citizen(let reference) = kind { return reference }
        return nil
    }
}
