import Foundation

/// One OpenID provider a deployment trusts for the pages' sign-in: its name in Parcours (in
/// the callback address and on the sign-in button), its issuer, and the client that the
/// provider registered for Parcours.
public struct OIDCProviderSettings: Sendable, CustomStringConvertible {
    /// Lower-case letters, digits and '-' (it appears in `/login/oidc/NAME/callback`).
    public let name: String
    /// The issuer URL exactly as the provider spells it in its ID tokens.
    public let issuer: String
    public let clientID: String
    /// Sent only to the provider's token endpoint, never logged nor shown.
    public let clientSecret: String
    /// The provider's e-mails are the administration's own (a directory), not typed by the
    /// person: they match an agent's registered e-mail even without `email_verified`.
    public let trustsEmails: Bool

    public init(name: String, issuer: String, clientID: String, clientSecret: String, trustsEmails: Bool = false) throws {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), name.utf8.count <= 32,
              name.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") })
        else {
            throw StoreError(.invalidInput, "'\(name)' is not a valid provider name; use 1 to 32 lower-case letters, digits and '-', starting with a letter (such as 'agents-gouv')")
        }
        guard let url = URL(string: issuer), let scheme = url.scheme, ["https", "http"].contains(scheme), url.host != nil else {
            throw StoreError(.invalidInput, "the issuer '\(issuer)' of provider '\(name)' is not an http(s) URL; give it as the provider's discovery document spells it")
        }
        guard !clientID.isEmpty else { throw StoreError(.invalidInput, "provider '\(name)' has no client id") }
        guard !clientSecret.isEmpty else {
            throw StoreError(.invalidInput, "provider '\(name)' has no client secret; give it in the environment (see docs/sign-in.md)")
        }
        self.name = name
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.trustsEmails = trustsEmails
    }

    /// The discovery document's address: the issuer followed by `/.well-known/openid-configuration`.
    public var discoveryURL: URL {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        return URL(string: base + "/.well-known/openid-configuration")!
    }

    /// Never the secret.
    public var description: String { "\(name) (issuer \(issuer), client \(clientID))" }
}
