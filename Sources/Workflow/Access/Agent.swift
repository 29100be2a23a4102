import Foundation

/// A person or a system that calls the API: who they are, their agency, the roles they hold.
///
/// What an agent may see and do in a workflow follows from these (see `CaseAccess`); the
/// bearer token that proves who they are is not part of it, only its hash is stored.
public struct Agent: Sendable, Hashable {
    /// Whether an agent's token is accepted now.
    public enum Status: String, Sendable, Hashable {
        case active
        case expired
        case revoked
    }

    public var id: String
    public var agency: String
    public var roles: Set<String>
    /// May publish workflows.
    public var designer: Bool
    /// May override and reopen the cases they see, beside their queues' agents.
    public var supervisor: Bool
    /// The citizen's portal (a front office): it acts for the person it names by `citizen_ref`,
    /// on the portal routes only, and sees no internal data.
    public var portal: Bool
    public var createdAt: Date
    /// When the current token was issued: at creation, then at each rotation.
    public var tokenIssuedAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(id: String, agency: String, roles: Set<String>, designer: Bool = false, supervisor: Bool = false,
                portal: Bool = false, createdAt: Date, tokenIssuedAt: Date? = nil, expiresAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.agency = agency
        self.roles = roles
        self.designer = designer
        self.supervisor = supervisor
        self.portal = portal
        self.createdAt = createdAt
        self.tokenIssuedAt = tokenIssuedAt ?? createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// The agent as the engine knows an actor, with every role they hold; in a given workflow,
    /// prefer `CaseAccess.actor`, which keeps only the roles that count there.
    public var actor: CaseActor {
        CaseActor(.agent(id: id, agency: agency, roles: roles, supervisor: supervisor))
    }

    /// Revoked wins over expired: a revoked agent stays revoked whatever its expiry.
    public func status(at now: Date) -> Status {
        if revokedAt != nil { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        return .active
    }
}
