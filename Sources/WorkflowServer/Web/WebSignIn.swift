import Workflow

/// How people sign in to the pages of this deployment (`serve --web-sign-in`): with an
/// agent's token, through the configured OpenID providers, or both. API tokens for systems
/// are not concerned: the API always takes them.
struct WebSignIn: Sendable {
    enum Mode: String, Sendable, CaseIterable {
        case oidc, token, both
    }

    let mode: Mode
    let oidc: OIDCSignIn?
    /// Whom a person without an agent should ask (`--sign-in-contact`).
    let contact: String?

    static let tokenOnly = WebSignIn(mode: .token, oidc: nil, contact: nil)

    var acceptsTokens: Bool { mode != .oidc }
    var providers: [String] { mode == .token ? [] : oidc?.names ?? [] }
}
