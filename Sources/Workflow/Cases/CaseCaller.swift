/// Who comes through the door to the cases, and by which way (for the access journal).
public struct CaseCaller: Sendable {
    public enum Kind: Sendable {
        /// An agent, through the API or the pages, with the rules of their agency and roles.
        case agent(Agent)
        /// The citizen's portal (a registered system) acting for one person.
        case citizen(reference: String, portal: Agent)
        /// An operator at the command line: every field, every action, any override.
        case operatorUser(name: String)
    }

    public let kind: Kind
    /// The route or command: `POST /api/v1/cases/{id}/events`, `cli: cases act`.
    public let via: String

    public init(_ kind: Kind, via: String) {
        self.kind = kind
        self.via = via
    }

    /// The caller as the history and the journal name them (an agent with all their roles;
    /// `CaseRules.actor` keeps only those that count in a workflow).
    public var actor: CaseActor {
        switch kind {
        case .agent(let agent): agent.actor
        case .citizen(let reference, _): CaseActor(.citizen(reference: reference))
        case .operatorUser(let name): CaseActor(.operatorUser(name: name))
        }
    }

    public static func agent(_ agent: Agent, via: String) -> CaseCaller { CaseCaller(.agent(agent), via: via) }

    /// The portal `portal` acting for the person it names `reference`; the way names the portal.
    public static func citizen(_ reference: String, portal: Agent, via: String) -> CaseCaller {
        CaseCaller(.citizen(reference: reference, portal: portal), via: "\(via) (\(portal.id))")
    }

    public static func operatorUser(_ name: String, via: String) -> CaseCaller { CaseCaller(.operatorUser(name: name), via: via) }
}
