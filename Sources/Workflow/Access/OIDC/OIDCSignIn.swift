import Foundation
import Logging

/// The pages' sign-in through OpenID providers, as one rule for every front-end: `begin`
/// sends the browser to a provider with a fresh `state`, `nonce` and PKCE verifier; `finish`
/// takes the browser's return, redeems the code, verifies the ID token and finds the agent
/// the operator registered for that person. Nobody is created from claims.
public struct OIDCSignIn: Sendable {
    /// How a return from the provider ends.
    public enum Outcome: Sendable {
        /// A registered, active agent: open its session.
        case signedIn(Agent, provider: String, idToken: String, claims: IDTokenClaims, next: String)
        /// A real person whom no agent is registered for: say whom to ask.
        case unknownPerson(provider: String, claims: IDTokenClaims)
        /// The return cannot be trusted (unknown or replayed state, another browser's, a token
        /// that does not verify) or the provider said no; `reason` is for the log.
        case refused(reason: String)
    }

    public let clients: [String: OIDCClient]
    /// The providers in the order they were configured (the sign-in page's buttons).
    public let names: [String]
    /// The address the browser reaches Parcours at, without a trailing slash.
    public let publicURL: String
    let database: Database

    public init(providers: [OIDCProviderSettings], publicURL: String, database: Database,
                transport: any OIDCTransport = URLSessionOIDCTransport()) {
        var clients: [String: OIDCClient] = [:]
        for provider in providers { clients[provider.name] = OIDCClient(settings: provider, transport: transport) }
        self.clients = clients
        names = providers.map(\.name)
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.database = database
    }

    /// Where a provider sends the browser back: one address per provider, so that an answer
    /// cannot be taken for another provider's.
    public func redirectURI(_ provider: String) -> String { "\(publicURL)/login/oidc/\(provider)/callback" }

    /// Where a provider's sign-out sends the browser back.
    public var postLogoutRedirectURI: String { "\(publicURL)/login" }

    /// Starts a sign-in at `provider`: the provider's address to send the browser to, and the
    /// random value the browser must keep (a cookie) to finish it.
    public func begin(provider: String, next: String) async throws -> (url: URL, browser: String)? {
        guard let client = clients[provider] else { return nil }
        let state = SessionStore.randomText(), browser = SessionStore.randomText()
        let nonce = SessionStore.randomText(), verifier = SessionStore.randomText()
        let url = try await client.authorizationURL(redirectURI: redirectURI(provider), state: state, nonce: nonce, codeVerifier: verifier)
        try await OIDCSignInStore(database: database).begin(
            state: state, browser: browser, .init(provider: provider, nonce: nonce, codeVerifier: verifier, next: next))
        return (url, browser)
    }

    /// Finishes a sign-in when the provider sends the browser back to `provider`'s address
    /// with `code` and `state` (or `error`); `browser` is the value of the browser's cookie.
    public func finish(provider: String, code: String?, state: String?, error: String?, browser: String?, now: Date = Date()) async throws -> Outcome {
        guard let client = clients[provider] else { return .refused(reason: "no provider '\(provider)' is configured") }
        guard let state, let browser,
              let pending = try await OIDCSignInStore(database: database).take(state: state, browser: browser) else {
            return .refused(reason: "the state is unknown, already used, over, or was not started in this browser")
        }
        guard pending.provider == provider else {
            return .refused(reason: "the sign-in was started at '\(pending.provider)', not at '\(provider)'")
        }
        if let error { return .refused(reason: "the provider answered the error '\(error)'") }
        guard let code, !code.isEmpty else { return .refused(reason: "the provider sent no code") }
        let idToken: String, claims: IDTokenClaims
        do {
            (idToken, claims) = try await client.redeem(code: code, redirectURI: redirectURI(provider), codeVerifier: pending.codeVerifier,
                                                         nonce: pending.nonce, now: now)
        } catch let refusal as IDTokenVerifier.Refusal {
            return .refused(reason: refusal.reason)
        } catch let failure as OIDCClient.Failure {
            return .refused(reason: failure.reason)
        }
        guard let agent = try await AgentIdentityStore(database).agent(for: claims, trustsEmails: client.settings.trustsEmails) else {
            return .unknownPerson(provider: provider, claims: claims)
        }
        return .signedIn(agent, provider: provider, idToken: idToken, claims: claims, next: pending.next)
    }

    /// The provider's sign-out address for a session it opened, when it has one.
    public func endSessionURL(provider: String, idToken: String?) async -> URL? {
        await clients[provider]?.endSessionURL(idToken: idToken, postLogoutRedirectURI: postLogoutRedirectURI)
    }
}
