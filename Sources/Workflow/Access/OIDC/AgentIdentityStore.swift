import Foundation
import PostgresNIO

/// The provider identities an operator registered for agents (`agent_identities`): a subject
/// at one issuer, a verified e-mail, or both. Nobody is matched from claims alone.
public struct AgentIdentityStore: Sendable {
    /// What an operator registered for one agent.
    public struct Identity: Sendable, Equatable {
        public var email: String?
        public var issuer: String?
        public var subject: String?

        public init(email: String? = nil, issuer: String? = nil, subject: String? = nil) {
            self.email = email
            self.issuer = issuer
            self.subject = subject
        }

        public var isEmpty: Bool { email == nil && subject == nil }
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// What is wrong with an identity, said so that it can be corrected; nil when it can be stored.
    public static func problem(_ identity: Identity) -> String? {
        if let email = identity.email, email.wholeMatch(of: /[^@\s]+@[^@\s]+/) == nil {
            return "'\(email)' is not an e-mail address (such as c.martin@finances.gouv.fr)"
        }
        if (identity.issuer == nil) != (identity.subject == nil) {
            return "give --oidc-subject and --oidc-issuer together: a subject means something only at its issuer"
        }
        if let issuer = identity.issuer, !(issuer.hasPrefix("https://") || issuer.hasPrefix("http://")) {
            return "the issuer '\(issuer)' is not an http(s) URL; give it as the provider's discovery document spells it"
        }
        if let subject = identity.subject, subject.isEmpty || subject.utf8.count > 255 {
            return "a subject has 1 to 255 characters"
        }
        return nil
    }

    /// The identity registered for an agent; an empty one when there is none.
    public func identity(of agentID: String) async throws -> Identity {
        try await identities("SELECT agent_id, oidc_email, oidc_issuer, oidc_subject FROM agent_identities WHERE agent_id = \(agentID)")[agentID]
            ?? Identity()
    }

    /// Every registered identity, by agent id.
    public func all() async throws -> [String: Identity] {
        try await identities("SELECT agent_id, oidc_email, oidc_issuer, oidc_subject FROM agent_identities")
    }

    /// Replaces the identity of an agent (an empty one removes it), on `connection` when given.
    func set(_ identity: Identity, of agentID: String, on connection: PostgresConnection) async throws {
        if let problem = Self.problem(identity) { throw StoreError(.invalidInput, problem) }
        let email = identity.email?.lowercased()
        do {
            if identity.isEmpty {
                try await connection.query("DELETE FROM agent_identities WHERE agent_id = \(agentID)", logger: database.logger)
            } else {
                try await connection.query("""
                    INSERT INTO agent_identities (agent_id, oidc_email, oidc_issuer, oidc_subject)
                    VALUES (\(agentID), \(email), \(identity.issuer), \(identity.subject))
                    ON CONFLICT (agent_id) DO UPDATE SET oidc_email = excluded.oidc_email, oidc_issuer = excluded.oidc_issuer,
                                                         oidc_subject = excluded.oidc_subject
                    """, logger: database.logger)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError(.alreadyExists, "this e-mail or subject is already registered for another agent; an identity opens one agent's session only ('workflow agents list' shows whose)")
        } catch {
            throw Database.storeError(error)
        }
    }

    /// The agent an ID token's person is: first by its subject at its issuer, else by its
    /// e-mail when the provider vouches for it (`email_verified`, or a provider configured as
    /// trusting its e-mails). Only active agents that are not the citizen's portal.
    public func agent(for claims: IDTokenClaims, trustsEmails: Bool) async throws -> Agent? {
        let columns = AgentStore.columns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        let active = "a.revoked_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > now()) AND NOT a.portal"
        do {
            let bySubject = try await AgentStore.decode(database.client.query("""
                SELECT \(unescaped: columns) FROM agent_identities i JOIN agents a ON a.id = i.agent_id
                WHERE i.oidc_issuer = \(claims.iss) AND i.oidc_subject = \(claims.sub) AND \(unescaped: active)
                """, logger: database.logger))
            if let agent = bySubject.first { return agent }
            guard let email = claims.email?.lowercased(), claims.emailVerified == true || (trustsEmails && claims.emailVerified != false) else {
                return nil
            }
            return try await AgentStore.decode(database.client.query("""
                SELECT \(unescaped: columns) FROM agent_identities i JOIN agents a ON a.id = i.agent_id
                WHERE i.oidc_email = \(email) AND \(unescaped: active)
                """, logger: database.logger)).first
        } catch {
            throw Database.storeError(error)
        }
    }

    private func identities(_ query: PostgresQuery) async throws -> [String: Identity] {
        var found: [String: Identity] = [:]
        do {
            let rows = try await database.client.query(query, logger: database.logger)
            for try await (id, email, issuer, subject) in rows.decode((String, String?, String?, String?).self) {
                found[id] = Identity(email: email, issuer: issuer, subject: subject)
            }
        } catch {
            throw Database.storeError(error)
        }
        return found
    }
}
