import Foundation
import JWTKit

/// The claims of an OpenID Connect ID token that Parcours reads. jwt-kit checks the signature;
/// `IDTokenVerifier` checks the claims itself, so that each refusal says which one failed.
public struct IDTokenClaims: JWTPayload, Equatable {
    public var iss: String
    public var sub: String
    public var aud: [String]
    public var exp: Date
    public var iat: Date?
    public var nonce: String?
    public var azp: String?
    public var email: String?
    public var emailVerified: Bool?
    public var name: String?
    public var preferredUsername: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nonce, azp, email, name
        case emailVerified = "email_verified"
        case preferredUsername = "preferred_username"
    }

    public init(iss: String, sub: String, aud: [String], exp: Date, iat: Date? = nil, nonce: String? = nil, azp: String? = nil,
                email: String? = nil, emailVerified: Bool? = nil, name: String? = nil, preferredUsername: String? = nil) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.exp = exp
        self.iat = iat
        self.nonce = nonce
        self.azp = azp
        self.email = email
        self.emailVerified = emailVerified
        self.name = name
        self.preferredUsername = preferredUsername
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(String.self, forKey: .iss)
        sub = try container.decode(String.self, forKey: .sub)
        // `aud` is one string or an array of them (RFC 7519 §4.1.3).
        if let one = try? container.decode(String.self, forKey: .aud) {
            aud = [one]
        } else {
            aud = try container.decode([String].self, forKey: .aud)
        }
        exp = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .exp))
        iat = try container.decodeIfPresent(Double.self, forKey: .iat).map { Date(timeIntervalSince1970: $0) }
        nonce = try container.decodeIfPresent(String.self, forKey: .nonce)
        azp = try container.decodeIfPresent(String.self, forKey: .azp)
        email = try? container.decodeIfPresent(String.self, forKey: .email)
        // Some providers send "true" as a string.
        if let flag = try? container.decodeIfPresent(Bool.self, forKey: .emailVerified) {
            emailVerified = flag
        } else if let text = try? container.decodeIfPresent(String.self, forKey: .emailVerified) {
            emailVerified = text.lowercased() == "true"
        }
        name = try? container.decodeIfPresent(String.self, forKey: .name)
        preferredUsername = try? container.decodeIfPresent(String.self, forKey: .preferredUsername)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iss, forKey: .iss)
        try container.encode(sub, forKey: .sub)
        try container.encode(aud, forKey: .aud)
        try container.encode(Int(exp.timeIntervalSince1970), forKey: .exp)
        try container.encodeIfPresent(iat.map { Int($0.timeIntervalSince1970) }, forKey: .iat)
        try container.encodeIfPresent(nonce, forKey: .nonce)
        try container.encodeIfPresent(azp, forKey: .azp)
        try container.encodeIfPresent(email, forKey: .email)
        try container.encodeIfPresent(emailVerified, forKey: .emailVerified)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(preferredUsername, forKey: .preferredUsername)
    }

    /// The claims are checked by `IDTokenVerifier`, after the signature.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
