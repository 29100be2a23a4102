import Foundation

/// What Parcours reads of a provider's discovery document (OpenID Connect Discovery 1.0 §3).
public struct OIDCProviderMetadata: Codable, Sendable {
    public let issuer: String
    public let authorizationEndpoint: URL
    public let tokenEndpoint: URL
    public let jwksURI: URL
    /// RP-initiated logout; absent when the provider does not support it.
    public let endSessionEndpoint: URL?
    public let codeChallengeMethodsSupported: [String]?
    public let tokenEndpointAuthMethodsSupported: [String]?

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case jwksURI = "jwks_uri"
        case endSessionEndpoint = "end_session_endpoint"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
    }

    public init(issuer: String, authorizationEndpoint: URL, tokenEndpoint: URL, jwksURI: URL, endSessionEndpoint: URL? = nil,
                codeChallengeMethodsSupported: [String]? = ["S256"], tokenEndpointAuthMethodsSupported: [String]? = nil) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.jwksURI = jwksURI
        self.endSessionEndpoint = endSessionEndpoint
        self.codeChallengeMethodsSupported = codeChallengeMethodsSupported
        self.tokenEndpointAuthMethodsSupported = tokenEndpointAuthMethodsSupported
    }

    /// The client secret goes in the Basic header unless the provider only takes it in the body.
    var usesBasicAuth: Bool {
        guard let methods = tokenEndpointAuthMethodsSupported, !methods.isEmpty else { return true }
        return methods.contains("client_secret_basic") || !methods.contains("client_secret_post")
    }
}
