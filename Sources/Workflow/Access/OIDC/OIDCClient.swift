import Crypto
import Foundation

/// Parcours as the client of one provider: reads its discovery document (once, then again
/// after a failure), builds the authorization request, redeems a code at the token endpoint
/// and verifies the ID token that comes back, and builds the provider's sign-out address.
public actor OIDCClient {
    public let settings: OIDCProviderSettings
    let transport: any OIDCTransport
    private var metadata: OIDCProviderMetadata?
    private var verifier: IDTokenVerifier?

    public init(settings: OIDCProviderSettings, transport: any OIDCTransport = URLSessionOIDCTransport()) {
        self.settings = settings
        self.transport = transport
    }

    /// A refusal from the provider's side (unreachable, an error answer, a bad document).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The provider's discovery document, checked: its issuer must be the one configured.
    public func providerMetadata() async throws -> OIDCProviderMetadata {
        if let metadata { return metadata }
        let (status, body) = try await call("the discovery document") { try await self.transport.get(self.settings.discoveryURL) }
        guard status == 200 else { throw Failure(reason: "the discovery document \(settings.discoveryURL) answered \(status)") }
        let document: OIDCProviderMetadata
        do {
            document = try JSONDecoder().decode(OIDCProviderMetadata.self, from: body)
        } catch {
            throw Failure(reason: "the discovery document \(settings.discoveryURL) cannot be read: \(error)")
        }
        guard document.issuer == settings.issuer else {
            throw Failure(reason: "the discovery document names the issuer '\(document.issuer)', not the configured '\(settings.issuer)'")
        }
        if let methods = document.codeChallengeMethodsSupported, !methods.contains("S256") {
            throw Failure(reason: "the provider does not support PKCE with S256")
        }
        metadata = document
        let transport = self.transport
        let jwksURI = document.jwksURI
        verifier = IDTokenVerifier(issuer: settings.issuer, clientID: settings.clientID, keys: OIDCKeySet {
            let answer: (status: Int, body: Data)
            do {
                answer = try await transport.get(jwksURI)
            } catch {
                throw Failure(reason: "the provider's keys \(jwksURI) cannot be reached: \(error.localizedDescription)")
            }
            guard answer.status == 200 else { throw Failure(reason: "the provider's keys \(jwksURI) answered \(answer.status)") }
            return answer.body
        })
        return document
    }

    /// Where to send the browser: the authorization endpoint with the code flow's parameters.
    public func authorizationURL(redirectURI: String, state: String, nonce: String, codeVerifier: String) async throws -> URL {
        let metadata = try await providerMetadata()
        return OIDCForm.url(metadata.authorizationEndpoint, [
            ("response_type", "code"),
            ("client_id", settings.clientID),
            ("redirect_uri", redirectURI),
            ("scope", "openid email profile"),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", Self.codeChallenge(codeVerifier)),
            ("code_challenge_method", "S256"),
        ])
    }

    /// Redeems the code (with the PKCE verifier and the client's secret) and verifies the ID
    /// token that comes back; returns the token's text and its claims.
    public func redeem(code: String, redirectURI: String, codeVerifier: String, nonce: String, now: Date = Date()) async throws -> (idToken: String, claims: IDTokenClaims) {
        let metadata = try await providerMetadata()
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", codeVerifier)]
        var basic: (user: String, password: String)?
        if metadata.usesBasicAuth {
            basic = (settings.clientID, settings.clientSecret)
        } else {
            fields += [("client_id", settings.clientID), ("client_secret", settings.clientSecret)]
        }
        let (status, body) = try await call("the token endpoint") { [fields, basic] in
            try await self.transport.postForm(metadata.tokenEndpoint, fields, basicAuth: basic)
        }
        let answer = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        guard status == 200, let idToken = answer?["id_token"] as? String else {
            let error = answer?["error"] as? String ?? "no id_token"
            throw Failure(reason: "the token endpoint answered \(status) (\(error))")
        }
        return (idToken, try await verify(idToken, nonce: nonce, now: now))
    }

    /// Verifies an ID token of this provider (also used on its own by the tests).
    public func verify(_ idToken: String, nonce: String, now: Date = Date()) async throws -> IDTokenClaims {
        _ = try await providerMetadata()
        return try await verifier!.verify(idToken, nonce: nonce, now: now)
    }

    /// The provider's RP-initiated logout address, when it has one: the browser goes there
    /// after Parcours has closed its own session, and comes back to `postLogoutRedirectURI`.
    public func endSessionURL(idToken: String?, postLogoutRedirectURI: String) async -> URL? {
        guard let metadata = try? await providerMetadata(), let endpoint = metadata.endSessionEndpoint else { return nil }
        var fields = [("client_id", settings.clientID), ("post_logout_redirect_uri", postLogoutRedirectURI)]
        if let idToken { fields.insert(("id_token_hint", idToken), at: 0) }
        return OIDCForm.url(endpoint, fields)
    }

    /// RFC 7636 S256: base64url(SHA-256(verifier)).
    public static func codeChallenge(_ verifier: String) -> String {
        AgentToken.base64URL(Array(SHA256.hash(data: Array(verifier.utf8))))
    }

    private func call(_ what: String, _ body: @Sendable () async throws -> (status: Int, body: Data)) async throws -> (status: Int, body: Data) {
        do {
            return try await body()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(reason: "\(what) of provider '\(settings.name)' cannot be reached: \(error.localizedDescription)")
        }
    }
}
