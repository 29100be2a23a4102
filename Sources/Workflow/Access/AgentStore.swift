import Foundation
import PostgresNIO

/// The agents in the `agents` table: adding them with a new token, listing, revoking,
/// rotating tokens, and finding the agent a bearer token belongs to.
///
/// Tokens are hashed here (SHA-256), so the database only ever sees their hash; every time
/// compared is the database's own `now()`.
public struct AgentStore: Sendable {
    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// The columns every query returns, in `Agent`'s order.
    static let columns = "id, agency, roles, designer, supervisor, created_at, token_issued_at, expires_at, revoked_at, portal"
    typealias Row = (String, String, [String], Bool, Bool, Date, Date, Date?, Date?, Bool)

    /// Registers an agent and returns it with its token, which is not stored and cannot be
    /// shown again. An id already taken (even by a revoked agent) is refused.
    /// An identity at an OpenID provider (`identity`) lets the agent sign in to the pages there.
    public func add(id: String, agency: String, roles: Set<String>, designer: Bool = false, supervisor: Bool = false,
                    portal: Bool = false, expiresAt: Date? = nil,
                    identity: AgentIdentityStore.Identity = .init()) async throws -> (Agent, token: String) {
        if let problem = Self.problem(id: id, agency: agency, roles: roles) ?? AgentIdentityStore.problem(identity) {
            throw StoreError(.invalidInput, problem)
        }
        if portal, !identity.isEmpty {
            throw StoreError(.invalidInput, "the citizen's portal signs in with its token only: give it no --oidc-email or --oidc-subject")
        }
        if let expiresAt, expiresAt <= Date() {
            throw StoreError(.invalidInput, "the expiry \(DatabaseTime.text(expiresAt)) of agent '\(id)' is already past; give a time to come")
        }
        let token = AgentToken.generate()
        let sortedRoles = roles.sorted()
        let expiry = expiresAt.map(DatabaseTime.text)
        let agent: Agent? = try await database.transaction { connection in
            let rows = try await Self.decode(connection.query("""
                INSERT INTO agents (id, agency, roles, designer, supervisor, portal, token_sha256, expires_at)
                VALUES (\(id), \(agency), \(sortedRoles)::text[], \(designer), \(supervisor), \(portal), \(token.sha256), \(expiry)::timestamptz)
                ON CONFLICT (id) DO NOTHING
                RETURNING \(unescaped: Self.columns)
                """, logger: database.logger))
            if let agent = rows.first, !identity.isEmpty {
                try await AgentIdentityStore(database).set(identity, of: agent.id, on: connection)
            }
            return rows.first
        }
        guard let agent else {
            throw StoreError(.alreadyExists, "an agent '\(id)' already exists; ids are never reused (a revoked agent keeps its id), choose another id or rotate its token with 'workflow agents rotate \(id)'")
        }
        return (agent, token.text)
    }

    /// Every agent, revoked and expired ones included, by id.
    public func list() async throws -> [Agent] {
        try await query("SELECT \(unescaped: Self.columns) FROM agents ORDER BY id")
    }

    /// The agent with this id, whatever its status; nil when there is none.
    public func agent(id: String) async throws -> Agent? {
        try await query("SELECT \(unescaped: Self.columns) FROM agents WHERE id = \(id)").first
    }

    /// Revokes the agent's token at once, for good. Revoking twice keeps the first time.
    @discardableResult
    public func revoke(id: String) async throws -> Agent {
        let rows = try await query("""
            UPDATE agents SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id)
            RETURNING \(unescaped: Self.columns)
            """)
        guard let agent = rows.first else { throw Self.notFound(id) }
        return agent
    }

    /// Gives the agent a new token and makes the old one worthless, in one transaction. The
    /// expiry is kept unless `expiresAt` gives a new one; an agent whose expiry has passed
    /// needs one, and a revoked agent cannot be rotated.
    public func rotate(id: String, expiresAt: Date? = nil) async throws -> (Agent, token: String) {
        if let expiresAt, expiresAt <= Date() {
            throw StoreError(.invalidInput, "the expiry \(DatabaseTime.text(expiresAt)) for agent '\(id)' is already past; give a time to come")
        }
        let token = AgentToken.generate()
        let expiry = expiresAt.map(DatabaseTime.text)
        return try await database.transaction { connection in
            // The row is locked so that the checks and the update see the same agent.
            let current = try await Self.decodeWithExpiry(connection.query("""
                SELECT \(unescaped: Self.columns), expires_at IS NOT NULL AND expires_at <= now()
                FROM agents WHERE id = \(id) FOR UPDATE
                """, logger: database.logger))
            guard let (agent, expired) = current.first else { throw Self.notFound(id) }
            if let revokedAt = agent.revokedAt {
                throw StoreError(.revoked, "agent '\(id)' was revoked at \(DatabaseTime.text(revokedAt)); revocation is final: add a new agent instead")
            }
            if expired, expiresAt == nil {
                throw StoreError(.invalidInput, "agent '\(id)' expired at \(DatabaseTime.text(agent.expiresAt!)); give a new expiry (such as --expires 90d) to rotate its token")
            }
            let rows = try await Self.decode(connection.query("""
                UPDATE agents SET token_sha256 = \(token.sha256), token_issued_at = now(),
                                  expires_at = coalesce(\(expiry)::timestamptz, expires_at)
                WHERE id = \(id)
                RETURNING \(unescaped: Self.columns)
                """, logger: database.logger))
            guard let rotated = rows.first else { throw Self.notFound(id) }
            return (rotated, token.text)
        }
    }

    /// The active agent a bearer token belongs to; nil when the token is malformed, unknown,
    /// revoked or expired (by the database's clock). One lookup by the token's hash.
    public func authenticate(token: String) async throws -> Agent? {
        guard AgentToken.looksValid(token) else { return nil }
        let hash = AgentToken(text: token).sha256
        do {
            for try await row in try await database.client.execute(TokenLookup(hash: hash), logger: database.logger) {
                return Self.agent(row)
            }
            return nil
        } catch {
            throw Database.storeError(error)
        }
    }

    /// Every call begins with it: prepared once per connection.
    struct TokenLookup: PostgresPreparedStatement {
        static let name = "parcours_token_lookup_v1"
        static let sql = """
            SELECT \(AgentStore.columns) FROM agents
            WHERE token_sha256 = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            """
        typealias Row = AgentStore.Row
        var hash: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(hash)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// What is wrong with an agent's id, agency or roles, said so that it can be corrected; nil
    /// when they can be stored. Agency and role ids follow the workflow language's names.
    public static func problem(id: String, agency: String, roles: Set<String>) -> String? {
        if !isAgentID(id) {
            return "'\(id)' is not a valid agent id; use 1 to 64 lower-case letters, digits and '.', '_', '@', '-', starting with a letter or digit (such as 'c.martin')"
        }
        if !Identifier.isValid(agency) {
            return "'\(agency)' is not a valid agency id; use the agency's id as the workflow files write it (letters, digits, '-' and '_', such as 'sre')"
        }
        if let role = roles.sorted().first(where: { !Identifier.isValid($0) }) {
            return "'\(role)' is not a valid role id; use the role's id as the workflow files write it (letters, digits, '-' and '_', such as 'liquidateur-sre')"
        }
        return nil
    }

    /// Lower-case ASCII letters, digits and `. _ @ -`, 1 to 64 of them, not starting with a sign:
    /// the same rule as the table's CHECK.
    static func isAgentID(_ id: String) -> Bool {
        let allowed = { (c: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) }
        guard let first = id.utf8.first, allowed(first), id.utf8.count <= 64 else { return false }
        return id.utf8.allSatisfy { allowed($0) || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "-")].contains($0) }
    }

    private static func notFound(_ id: String) -> StoreError {
        StoreError(.notFound, "there is no agent '\(id)'; 'workflow agents list' shows them")
    }

    private func query(_ query: PostgresQuery) async throws -> [Agent] {
        do {
            return try await Self.decode(database.client.query(query, logger: database.logger))
        } catch {
            throw Database.storeError(error)
        }
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [Agent] {
        var agents: [Agent] = []
        for try await row in rows.decode(Row.self) { agents.append(agent(row)) }
        return agents
    }

    /// Rows with one more column: whether the agent's expiry has passed by the database's clock.
    private static func decodeWithExpiry(_ rows: PostgresRowSequence) async throws -> [(Agent, expired: Bool)] {
        var agents: [(Agent, expired: Bool)] = []
        for try await (id, agency, roles, designer, supervisor, created, issued, expires, revoked, portal, isExpired)
            in rows.decode((String, String, [String], Bool, Bool, Date, Date, Date?, Date?, Bool, Bool).self) {
            agents.append((agent((id, agency, roles, designer, supervisor, created, issued, expires, revoked, portal)), isExpired))
        }
        return agents
    }

    private static func agent(_ row: Row) -> Agent {
        let (id, agency, roles, designer, supervisor, created, issued, expires, revoked, portal) = row
        return Agent(id: id, agency: agency, roles: Set(roles), designer: designer, supervisor: supervisor, portal: portal,
                     createdAt: created, tokenIssuedAt: issued, expiresAt: expires, revokedAt: revoked)
    }
}
