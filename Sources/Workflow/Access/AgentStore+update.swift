import Foundation
import PostgresNIO

/// What `AgentStore.update` changes; nil leaves a part as it is.
public struct AgentChange: Sendable {
    public var agency: String?
    public var roles: Set<String>?
    public var designer: Bool?
    public var supervisor: Bool?
    /// The provider identity that opens the agent's pages; an empty one removes it.
    public var identity: AgentIdentityStore.Identity?

    public init(agency: String? = nil, roles: Set<String>? = nil, designer: Bool? = nil, supervisor: Bool? = nil,
                identity: AgentIdentityStore.Identity? = nil) {
        self.agency = agency
        self.roles = roles
        self.designer = designer
        self.supervisor = supervisor
        self.identity = identity
    }

    public var isEmpty: Bool { agency == nil && roles == nil && designer == nil && supervisor == nil && identity == nil }
}

/// What an update did: the agent as it is now, whether its rights shrank, and how many of its
/// sessions were ended for it.
public struct AgentUpdate: Sendable {
    public let agent: Agent
    public let identity: AgentIdentityStore.Identity
    public let changed: Bool
    public let rightsShrank: Bool
    public let sessionsEnded: Int
}

extension AgentStore {
    /// Changes an agent's agency, roles, designer and supervisor rights or sign-in identity, in
    /// one transaction that also journals the change (`agent_changes`: who, before, after).
    /// When the agent loses anything (another agency, a role, a right, the identity it signs
    /// in with), its sessions are ended at once: its next page asks it to sign in again.
    /// Revoked agents and the citizen's portal are not changed.
    public func update(id: String, _ change: AgentChange, by changedBy: String) async throws -> AgentUpdate {
        try await database.transaction { connection in
            let rows = try await Self.decode(connection.query(
                "SELECT \(unescaped: Self.columns) FROM agents WHERE id = \(id) FOR UPDATE", logger: database.logger))
            guard let before = rows.first else {
                throw StoreError(.notFound, "there is no agent '\(id)'; 'workflow agents list' shows them")
            }
            if let revokedAt = before.revokedAt {
                throw StoreError(.revoked, "agent '\(id)' was revoked at \(DatabaseTime.text(revokedAt)); revocation is final: add a new agent instead")
            }
            if before.portal, change.agency != nil || change.roles != nil || change.designer == true || change.supervisor == true || change.identity != nil {
                throw StoreError(.invalidInput, "'\(id)' is the citizen's portal: it holds no agency, roles, rights or sign-in identity")
            }
            var after = before
            after.agency = change.agency ?? before.agency
            after.roles = change.roles ?? before.roles
            after.designer = change.designer ?? before.designer
            after.supervisor = change.supervisor ?? before.supervisor
            if let problem = Self.problem(id: id, agency: after.agency, roles: after.roles) {
                throw StoreError(.invalidInput, problem)
            }
            let identities = AgentIdentityStore(database)
            let oldIdentity = try await Self.identity(of: id, on: connection, logger: database.logger)
            let newIdentity = change.identity ?? oldIdentity
            let changed = after != before || newIdentity != oldIdentity
            guard changed else {
                return AgentUpdate(agent: before, identity: oldIdentity, changed: false, rightsShrank: false, sessionsEnded: 0)
            }
            try await connection.query("""
                UPDATE agents SET agency = \(after.agency), roles = \(after.roles.sorted())::text[], designer = \(after.designer),
                                  supervisor = \(after.supervisor)
                WHERE id = \(id)
                """, logger: database.logger)
            if newIdentity != oldIdentity { try await identities.set(newIdentity, of: id, on: connection) }
            let shrank = before.agency != after.agency || !before.roles.isSubset(of: after.roles)
                || (before.designer && !after.designer) || (before.supervisor && !after.supervisor)
                || (newIdentity != oldIdentity && !oldIdentity.isEmpty)
            var ended = 0
            if shrank {
                for try await _ in try await connection.query(
                    "DELETE FROM web_sessions WHERE agent_id = \(id) RETURNING 1", logger: database.logger).decode(Int.self) {
                    ended += 1
                }
            }
            try await connection.query("""
                INSERT INTO agent_changes (agent_id, changed_by, before, after, rights_shrank, sessions_ended)
                VALUES (\(id), \(changedBy), \(Self.journal(before, oldIdentity))::jsonb, \(Self.journal(after, newIdentity))::jsonb,
                        \(shrank), \(ended))
                """, logger: database.logger)
            return AgentUpdate(agent: after, identity: newIdentity, changed: true, rightsShrank: shrank, sessionsEnded: ended)
        }
    }

    /// The journal of changes to an agent, oldest first: when, by whom, and the parts that changed.
    public func changes(of id: String) async throws -> [(at: Date, by: String, before: String, after: String, sessionsEnded: Int)] {
        var found: [(at: Date, by: String, before: String, after: String, sessionsEnded: Int)] = []
        do {
            let rows = try await database.client.query("""
                SELECT changed_at, changed_by, before::text, after::text, sessions_ended FROM agent_changes
                WHERE agent_id = \(id) ORDER BY id
                """, logger: database.logger)
            for try await (at, by, before, after, ended) in rows.decode((Date, String, String, String, Int).self) {
                found.append((at, by, before, after, ended))
            }
        } catch {
            throw Database.storeError(error)
        }
        return found
    }

    /// An agent's rights and identity as the journal records them (never its token).
    static func journal(_ agent: Agent, _ identity: AgentIdentityStore.Identity) -> String {
        var object: [String: Any] = ["agency": agent.agency, "roles": agent.roles.sorted(), "designer": agent.designer,
                                     "supervisor": agent.supervisor]
        if let email = identity.email { object["oidc_email"] = email }
        if let issuer = identity.issuer { object["oidc_issuer"] = issuer }
        if let subject = identity.subject { object["oidc_subject"] = subject }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func identity(of id: String, on connection: PostgresConnection, logger: Logger) async throws -> AgentIdentityStore.Identity {
        let rows = try await connection.query(
            "SELECT oidc_email, oidc_issuer, oidc_subject FROM agent_identities WHERE agent_id = \(id)", logger: logger)
        for try await (email, issuer, subject) in rows.decode((String?, String?, String?).self) {
            return AgentIdentityStore.Identity(email: email, issuer: issuer, subject: subject)
        }
        return AgentIdentityStore.Identity()
    }
}
