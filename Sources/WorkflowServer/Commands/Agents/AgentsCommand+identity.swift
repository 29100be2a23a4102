import ArgumentParser
import Workflow

/// `--oidc-email`, `--oidc-subject` and `--oidc-issuer`: the provider identity that opens an
/// agent's pages (docs/sign-in.md has the matching rules).
struct AgentIdentityOptions: ParsableArguments {
    @Option(help: "The agent signs in at an OpenID provider that vouches for this e-mail (email_verified, or a trust-emails provider).")
    var oidcEmail: String?

    @Option(help: "The agent signs in at an OpenID provider as this subject ('sub'); give --oidc-issuer with it.")
    var oidcSubject: String?

    @Option(help: "The issuer URL of the provider of --oidc-subject, as its discovery document spells it.")
    var oidcIssuer: String?

    var given: Bool { oidcEmail != nil || oidcSubject != nil || oidcIssuer != nil }

    /// The identity the options give, over `current` (an update keeps what is not given).
    func identity(over current: AgentIdentityStore.Identity = .init()) throws -> AgentIdentityStore.Identity {
        var identity = current
        if let oidcEmail { identity.email = oidcEmail.isEmpty ? nil : oidcEmail.lowercased() }
        if oidcSubject != nil || oidcIssuer != nil {
            identity.subject = oidcSubject.flatMap { $0.isEmpty ? nil : $0 }
            identity.issuer = oidcIssuer.flatMap { $0.isEmpty ? nil : $0 }
        }
        if let problem = AgentIdentityStore.problem(identity) { throw ValidationError(problem) }
        return identity
    }
}
