import Foundation
import PostgresNIO

/// The sessions of the web pages (`web_sessions`): opened when an agent signs in with their
/// token, carried by the browser as a random id, and closed at sign-out, when idle too long,
/// at an absolute limit, or as soon as the agent is revoked or expires.
///
/// Like tokens, only the id's SHA-256 reaches the database; every time compared is the
/// database's `now()`.
public struct SessionStore: Sendable {
    /// A session as the pages use it: who is signed in and the anti-forgery token of its forms.
    public struct Session: Sendable {
        public let agent: Agent
        public let csrf: String
    }

    let database: Database
    /// A session unused for this long is closed.
    public let idle: Duration
    /// A session is closed after this long, used or not.
    public let lifetime: Duration

    public init(_ database: Database, idle: Duration = .seconds(2 * 3600), lifetime: Duration = .seconds(12 * 3600)) {
        self.database = database
        self.idle = idle
        self.lifetime = lifetime
    }

    /// Opens a session for an active agent; returns the id to put in the cookie (shown once,
    /// never stored) and the session. Sessions already over are deleted on the way. A session
    /// opened through a provider keeps its name and the ID token, for the provider's sign-out.
    public func open(for agent: Agent, provider: String? = nil, idToken: String? = nil) async throws -> (id: String, session: Session) {
        let id = Self.randomText()
        let csrf = Self.randomText()
        let lifetimeSeconds = Int(lifetime.components.seconds)
        let idleSeconds = Int(idle.components.seconds)
        do {
            try await database.client.query("""
                DELETE FROM web_sessions
                WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => \(idleSeconds))
                """, logger: database.logger)
            try await database.client.query("""
                INSERT INTO web_sessions (id_sha256, agent_id, csrf, expires_at, oidc_provider, oidc_id_token)
                VALUES (\(SHA256Digest.hex(id)), \(agent.id), \(csrf), now() + make_interval(secs => \(lifetimeSeconds)),
                        \(provider), \(idToken))
                """, logger: database.logger)
        } catch {
            throw Database.storeError(error)
        }
        return (id, Session(agent: agent, csrf: csrf))
    }

    /// The live session of a cookie's id, marked as used now; nil when the id is unknown, the
    /// session is over, its agent is revoked or expired, or the agent's token was rotated
    /// since the session was opened (a leaked token's sessions end with it). One statement.
    public func session(id: String) async throws -> Session? {
        guard Self.looksValid(id) else { return nil }
        let idleSeconds = Int(idle.components.seconds)
        let columns = AgentStore.columns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        do {
            let rows = try await database.client.query("""
                UPDATE web_sessions s SET last_seen_at = now()
                FROM agents a
                WHERE s.id_sha256 = \(SHA256Digest.hex(id)) AND a.id = s.agent_id
                  AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => \(idleSeconds))
                  AND a.revoked_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > now())
                  AND s.created_at >= a.token_issued_at
                RETURNING \(unescaped: columns), s.csrf
                """, logger: database.logger)
            for try await (id, agency, roles, designer, supervisor, created, issued, expires, revoked, portal, csrf)
                in rows.decode((String, String, [String], Bool, Bool, Date, Date, Date?, Date?, Bool, String).self) {
                let agent = Agent(id: id, agency: agency, roles: Set(roles), designer: designer, supervisor: supervisor, portal: portal,
                                  createdAt: created, tokenIssuedAt: issued, expiresAt: expires, revokedAt: revoked)
                return Session(agent: agent, csrf: csrf)
            }
            return nil
        } catch {
            throw Database.storeError(error)
        }
    }

    /// Closes the session of a cookie's id (sign-out); nothing happens for an unknown id. For
    /// a session opened through a provider, returns the provider's name and the ID token, so
    /// that the provider's session can be ended too.
    @discardableResult
    public func close(id: String) async throws -> (provider: String, idToken: String?)? {
        guard Self.looksValid(id) else { return nil }
        do {
            let rows = try await database.client.query("""
                DELETE FROM web_sessions WHERE id_sha256 = \(SHA256Digest.hex(id)) RETURNING oidc_provider, oidc_id_token
                """, logger: database.logger)
            for try await (provider, idToken) in rows.decode((String?, String?).self) {
                return provider.map { ($0, idToken) }
            }
            return nil
        } catch {
            throw Database.storeError(error)
        }
    }

    /// 256 random bits from the system's cryptographic generator, in base64url.
    public static func randomText() -> String {
        var generator = SystemRandomNumberGenerator()
        return AgentToken.base64URL((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Whether a cookie's value has the shape of a session id; anything else is not looked up.
    static func looksValid(_ text: String) -> Bool {
        AgentToken.isEncodedRandom(text.utf8)
    }
}
