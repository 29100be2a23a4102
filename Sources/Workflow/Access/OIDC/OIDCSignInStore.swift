import Foundation
import PostgresNIO

/// The sign-ins sent to a provider and not back yet (`oidc_sign_ins`): each found by the
/// SHA-256 of its `state`, bound to its browser by the SHA-256 of a cookie's random value,
/// taken once, and over after ten minutes.
struct OIDCSignInStore: Sendable {
    struct Pending: Sendable {
        let provider: String
        let nonce: String
        let codeVerifier: String
        let next: String
    }

    let database: Database
    static let lifetimeSeconds = 600

    /// Records a sign-in under way; those already over are deleted on the way.
    func begin(state: String, browser: String, _ pending: Pending) async throws {
        do {
            try await database.client.query("DELETE FROM oidc_sign_ins WHERE expires_at <= now()", logger: database.logger)
            try await database.client.query("""
                INSERT INTO oidc_sign_ins (state_sha256, browser_sha256, provider, nonce, code_verifier, next, expires_at)
                VALUES (\(SHA256Digest.hex(state)), \(SHA256Digest.hex(browser)), \(pending.provider), \(pending.nonce),
                        \(pending.codeVerifier), \(pending.next), now() + make_interval(secs => \(Self.lifetimeSeconds)))
                """, logger: database.logger)
        } catch {
            throw Database.storeError(error)
        }
    }

    /// Takes the sign-in of `state` (it cannot be used again): nil when it is unknown, over,
    /// or was started by another browser.
    func take(state: String, browser: String) async throws -> Pending? {
        guard SessionStore.looksValid(state), SessionStore.looksValid(browser) else { return nil }
        do {
            let rows = try await database.client.query("""
                DELETE FROM oidc_sign_ins WHERE state_sha256 = \(SHA256Digest.hex(state))
                RETURNING browser_sha256, provider, nonce, code_verifier, next, expires_at > now()
                """, logger: database.logger)
            for try await (binding, provider, nonce, verifier, next, live) in rows.decode((String, String, String, String, String, Bool).self) {
                guard live, IDTokenVerifier.sameText(binding, SHA256Digest.hex(browser)) else { return nil }
                return Pending(provider: provider, nonce: nonce, codeVerifier: verifier, next: next)
            }
            return nil
        } catch {
            throw Database.storeError(error)
        }
    }
}
