import Foundation
import JWTKit
@testable import Workflow

/// An OpenID provider for the unit tests, in memory: its signing keys (ES256, made afresh), its
/// JWKS, ID tokens it signs with any claims a test wants, and a transport that answers the
/// discovery, keys and token requests as a provider would. The browser test uses a real one.
final class TestOIDCProvider: OIDCTransport, @unchecked Sendable {
    static let issuer = "https://idp.test.example/"
    static let clientID = "parcours"
    static let secret = "s3cret-of-the-tests"

    private let lock = NSLock()
    private var keys: [(kid: String, key: ES256PrivateKey)] = [(kid: "k1", key: ES256PrivateKey())]
    private var published: [String] = ["k1"]
    /// What the token endpoint answers next; set by a test.
    private var nextIDToken: String?
    private(set) var tokenRequests: [[String: String]] = []
    private(set) var jwksFetches = 0
    /// The provider's keys cannot be fetched (its server fails).
    var keysDown = false

    var settings: OIDCProviderSettings {
        try! OIDCProviderSettings(name: "test-idp", issuer: Self.issuer, clientID: Self.clientID, clientSecret: Self.secret)
    }

    var metadata: OIDCProviderMetadata {
        OIDCProviderMetadata(issuer: Self.issuer, authorizationEndpoint: URL(string: "https://idp.test.example/authorize")!,
                             tokenEndpoint: URL(string: "https://idp.test.example/token")!,
                             jwksURI: URL(string: "https://idp.test.example/jwks")!,
                             endSessionEndpoint: URL(string: "https://idp.test.example/logout")!)
    }

    /// A new key that the provider signs with from now on; `publish` says whether its JWKS shows it.
    func rotate(kid: String, publish: Bool = true) {
        lock.withLock {
            keys.insert((kid, ES256PrivateKey()), at: 0)
            if publish { published.append(kid) }
        }
    }

    func answerNextCode(with idToken: String) { lock.withLock { nextIDToken = idToken } }

    /// Claims that pass every check for `nonce`; a test changes what it wants refused.
    func claims(nonce: String?, sub: String = "sub-123", email: String? = "c.martin@finances.gouv.fr", emailVerified: Bool? = true,
                now: Date = Date()) -> IDTokenClaims {
        IDTokenClaims(iss: Self.issuer, sub: sub, aud: [Self.clientID], exp: now.addingTimeInterval(300), iat: now, nonce: nonce,
                      email: email, emailVerified: emailVerified, name: "Claude Martin")
    }

    /// The claims signed with the provider's current key (or another key: a forger's).
    func sign(_ claims: IDTokenClaims, kid: String? = nil, with key: ES256PrivateKey? = nil) async throws -> String {
        let (currentKid, currentKey) = lock.withLock { keys[0] }
        let collection = JWTKeyCollection()
        let signingKid = kid ?? currentKid
        await collection.add(ecdsa: key ?? currentKey, kid: JWKIdentifier(string: signingKid))
        return try await collection.sign(claims, kid: JWKIdentifier(string: signingKid))
    }

    var jwksJSON: Data {
        let shown = lock.withLock { keys.filter { published.contains($0.kid) } }
        let members = shown.map { entry -> [String: String] in
            let parameters = entry.key.publicKey.parameters!
            return ["kty": "EC", "crv": "P-256", "x": parameters.x, "y": parameters.y, "kid": entry.kid, "use": "sig", "alg": "ES256"]
        }
        return try! JSONSerialization.data(withJSONObject: ["keys": members])
    }

    func get(_ url: URL) async throws -> (status: Int, body: Data) {
        if url.absoluteString.hasSuffix("/.well-known/openid-configuration") {
            return (200, try JSONEncoder().encode(metadata))
        }
        if url == metadata.jwksURI {
            lock.withLock { jwksFetches += 1 }
            if keysDown { throw URLError(.cannotConnectToHost) }
            return (200, jwksJSON)
        }
        return (404, Data())
    }

    func postForm(_ url: URL, _ fields: [(String, String)], basicAuth: (user: String, password: String)?) async throws -> (status: Int, body: Data) {
        guard url == metadata.tokenEndpoint else { return (404, Data()) }
        var request = Dictionary(fields, uniquingKeysWith: { $1 })
        if let basicAuth { request["basic"] = "\(basicAuth.user):\(basicAuth.password)" }
        let token: String? = lock.withLock {
            tokenRequests.append(request)
            defer { nextIDToken = nil }
            return nextIDToken
        }
        guard let token, basicAuth?.password == Self.secret else { return (400, Data(#"{"error":"invalid_grant"}"#.utf8)) }
        return (200, try JSONSerialization.data(withJSONObject: ["access_token": "at", "token_type": "Bearer", "id_token": token]))
    }
}
