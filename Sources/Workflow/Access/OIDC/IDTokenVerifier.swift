import Foundation
import JWTKit

/// Checks an ID token as OpenID Connect Core §3.1.3.7 asks: a signature by one of the
/// provider's published keys with an asymmetric algorithm, the issuer, the audience (and the
/// authorized party when there are several), the expiry, and the nonce of this sign-in.
public struct IDTokenVerifier: Sendable {
    /// Why a token was refused; the text is for the server's log, not for the visitor.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public let issuer: String
    public let clientID: String
    public let keys: OIDCKeySet
    /// Tolerated difference between the provider's clock and ours.
    public let leeway: TimeInterval

    /// Only signatures with a provider's published asymmetric key; never `none`, never HMAC.
    static let algorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]

    public init(issuer: String, clientID: String, keys: OIDCKeySet, leeway: TimeInterval = 60) {
        self.issuer = issuer
        self.clientID = clientID
        self.keys = keys
        self.leeway = leeway
    }

    /// The token's claims when every check passes; a `Refusal` naming the first that fails.
    public func verify(_ token: String, nonce: String, now: Date = Date()) async throws -> IDTokenClaims {
        let header = try Self.header(token)
        guard let alg = header["alg"] as? String, Self.algorithms.contains(alg) else {
            throw Refusal(reason: "the ID token's algorithm '\(header["alg"] ?? "none")' is not an accepted asymmetric one")
        }
        let kid = header["kid"] as? String
        guard let key = try await keys.key(for: kid) else {
            throw Refusal(reason: "the ID token is signed with a key the provider does not publish (kid \(kid ?? "none"))")
        }
        if let keyAlgorithm = key.algorithm, keyAlgorithm.rawValue != alg {
            throw Refusal(reason: "the ID token's algorithm \(alg) is not its key's (\(keyAlgorithm.rawValue))")
        }
        let claims: IDTokenClaims
        do {
            let collection = JWTKeyCollection()
            try await collection.add(jwk: key, isDefault: true)
            claims = try await collection.verify(token, as: IDTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw Refusal(reason: "the ID token's signature does not verify with the provider's key")
        } catch {
            throw Refusal(reason: "the ID token cannot be verified: \(error)")
        }
        guard claims.iss == issuer else {
            throw Refusal(reason: "the ID token was issued by '\(claims.iss)', not by '\(issuer)'")
        }
        guard claims.aud.contains(clientID) else {
            throw Refusal(reason: "the ID token is meant for \(claims.aud), not for this client '\(clientID)'")
        }
        // Several audiences, or an authorized party named: it must be this client (Core §3.1.3.7).
        if claims.aud.count > 1 || claims.azp != nil, claims.azp != clientID {
            throw Refusal(reason: "the ID token's authorized party '\(claims.azp ?? "none")' is not this client '\(clientID)'")
        }
        guard claims.exp.addingTimeInterval(leeway) > now else {
            throw Refusal(reason: "the ID token expired at \(claims.exp)")
        }
        if let iat = claims.iat, iat > now.addingTimeInterval(leeway) {
            throw Refusal(reason: "the ID token was issued in the future (\(iat))")
        }
        guard let sent = claims.nonce, Self.sameText(sent, nonce) else {
            throw Refusal(reason: "the ID token's nonce is not the one of this sign-in")
        }
        return claims
    }

    /// The token's JOSE header, decoded without trusting it.
    static func header(_ token: String) throws -> [String: Any] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecode(String(parts[0])),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Refusal(reason: "the ID token is not a signed JWT (three base64url parts)")
        }
        return object
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    static func sameText(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
