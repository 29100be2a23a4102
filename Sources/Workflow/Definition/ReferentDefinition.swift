/// `referent:` (language brief, "A referent for each case"): who may answer for a case as a
/// whole across its agencies, whether they may take a case themselves, and what the citizen's
/// portal says of them. A workflow without the key has the defaults: any role of the
/// workflow, no self-assignment, the referent's agency shown to the citizen.
public struct ReferentDefinition: Sendable {
    /// What the portal shows the person of their case's referent.
    public enum Shown: String, Sendable, CaseIterable {
        /// The referent's agent id and their agency.
        case name
        /// Only the referent's agency, the one to contact.
        case agency
        /// Nothing of the referent.
        case none
    }

    /// `roles`: the roles whose agents may be a case's referent; nil (absent) means any role
    /// of the workflow.
    public var roles: [Located<String>]?
    /// `self_assign`: an agent of those roles may take a case that has no referent.
    public var selfAssign: Bool
    /// `shown_to_citizen`.
    public var shownToCitizen: Shown

    public init(roles: [Located<String>]? = nil, selfAssign: Bool = false, shownToCitizen: Shown = .agency) {
        self.roles = roles
        self.selfAssign = selfAssign
        self.shownToCitizen = shownToCitizen
    }
}

extension WorkflowDefinition {
    /// The referent rules in force: the workflow's `referent:`, or the defaults.
    public var referentRules: ReferentDefinition { referent ?? ReferentDefinition() }

    /// The roles of `agency` whose agents may be a case's referent.
    public func referentRoles(inAgency agency: String) -> Set<String> {
        let named = referentRules.roles.map { Set($0.map(\.value)) }
        return Set(roles.filter { $0.agency.value == agency && (named?.contains($0.id.value) ?? true) }.map(\.id.value))
    }

    /// Whether an agent of `agency` holding `roles` may be a case's referent here: an agency of
    /// the workflow, and one of the referent roles the workflow gives that agency.
    public func mayBeReferent(agency: String, roles held: Set<String>) -> Bool {
        guard self.agency(agency) != nil else { return false }
        return !referentRoles(inAgency: agency).isDisjoint(with: held)
    }
}

extension WorkflowLoader {
    static let referentKeys = ["roles", "self_assign", "shown_to_citizen"]

    mutating func readReferent(_ node: YAMLNode) -> ReferentDefinition? {
        if node.scalar?.isNull == true { return ReferentDefinition() }
        guard let entries = reader.mapping(node, what: "'referent'", allowed: Self.referentKeys) else { return nil }
        var referent = ReferentDefinition()
        for entry in entries {
            switch entry.key {
            case "roles":
                let roles = reader.stringList(entry.value, what: "'referent.roles'")
                if roles.isEmpty, entry.value.sequence != nil || entry.value.scalar != nil {
                    reader.error("'referent.roles' names no role; name the roles whose agents may be a case's referent, or remove the key to allow any role of the workflow", at: entry.value.location)
                }
                referent.roles = roles
            case "self_assign":
                referent.selfAssign = reader.bool(entry.value, what: "'referent.self_assign'") ?? false
            case "shown_to_citizen":
                guard let text = reader.string(entry.value, what: "'referent.shown_to_citizen'") else { break }
                if let shown = ReferentDefinition.Shown(rawValue: text.value) {
                    referent.shownToCitizen = shown
                } else {
                    let allowed = ReferentDefinition.Shown.allCases.map(\.rawValue)
                    var message = "'referent.shown_to_citizen' must be one of \(allowed.joined(separator: ", ")), found '\(text.value)'"
                    if let close = Suggestion.closest(to: text.value, among: allowed) { message += "; did you mean '\(close)'?" }
                    reader.error(message, at: entry.value.location)
                }
            default:
                break
            }
        }
        return referent
    }
}

extension WorkflowValidator {
    /// Every role `referent.roles` names is a role of the workflow.
    mutating func checkReferent() {
        for role in workflow.referent?.roles ?? [] where workflow.role(role.value) == nil {
            unknown("role", role, among: roleIDs, context: "'referent.roles'")
        }
    }
}
