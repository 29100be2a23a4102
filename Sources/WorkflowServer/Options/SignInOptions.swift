import ArgumentParser
import Foundation
import Workflow

/// `serve`'s options for the pages' sign-in: the OpenID providers, the address people reach
/// Parcours at (for the redirect URIs), which sign-ins the pages offer, and whom to ask.
struct SignInOptions: ParsableArguments {
    @Option(name: .customLong("oidc-provider"),
            help: ArgumentHelp("An OpenID provider, as 'NAME ISSUER CLIENT_ID [trust-emails]'; repeat for several [$PARCOURS_OIDC_PROVIDERS, separated by ';']. The client secret is read from $PARCOURS_OIDC_SECRET_NAME (NAME in capitals, '-' as '_').",
                               valueName: "spec"))
    var oidcProviders: [String] = []

    @Option(help: "The address people reach Parcours at, for the providers' redirect URIs [$PARCOURS_PUBLIC_URL, default http://HOST:PORT].")
    var publicURL: String?

    @Option(help: "Which sign-in the pages offer: oidc, token or both [$PARCOURS_WEB_SIGN_IN, default both with a provider, else token]. API tokens always work on the API.")
    var webSignIn: String?

    @Option(help: "Whom a person signed in at a provider but unknown to Parcours should ask, shown on the page that refuses them [$PARCOURS_SIGN_IN_CONTACT].")
    var signInContact: String?

    /// The providers, checked; an error names the option or variable to fix.
    func providers(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [OIDCProviderSettings] {
        var specs = oidcProviders
        if specs.isEmpty, let listed = environment["PARCOURS_OIDC_PROVIDERS"] {
            specs = listed.split(whereSeparator: { $0 == ";" || $0 == "\n" }).map(String.init)
        }
        var seen: Set<String> = []
        return try specs.compactMap { spec in
            let words = spec.split(separator: " ").map(String.init)
            if words.isEmpty { return nil }
            guard words.count == 3 || (words.count == 4 && words[3] == "trust-emails") else {
                throw ValidationError("--oidc-provider '\(spec)': give 'NAME ISSUER CLIENT_ID', and 'trust-emails' after them when the provider's e-mails come from the administration's directory")
            }
            let variable = "PARCOURS_OIDC_SECRET_" + words[0].uppercased().replacingOccurrences(of: "-", with: "_")
            guard seen.insert(words[0]).inserted else { throw ValidationError("--oidc-provider: '\(words[0])' is named twice") }
            do {
                return try OIDCProviderSettings(name: words[0], issuer: words[1], clientID: words[2],
                                                clientSecret: environment[variable] ?? "", trustsEmails: words.count == 4)
            } catch let error as StoreError {
                throw ValidationError("--oidc-provider '\(words[0])': \(error.message)" + (error.message.contains("secret") ? " (\(variable))" : ""))
            }
        }
    }

    /// What the options say, checked before the server starts.
    struct Checked: Sendable {
        let mode: WebSignIn.Mode
        let providers: [OIDCProviderSettings]
        let publicURL: String
        let contact: String?

        /// The sign-in of the pages, on the server's database.
        func signIn(database: Database) -> WebSignIn {
            WebSignIn(mode: mode, oidc: providers.isEmpty ? nil : OIDCSignIn(providers: providers, publicURL: publicURL, database: database),
                      contact: contact)
        }
    }

    /// The sign-in the options describe, for a server listening on `host:port`.
    func checked(host: String, port: Int, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Checked {
        let providers = try providers(environment: environment)
        let asked = webSignIn ?? environment["PARCOURS_WEB_SIGN_IN"]
        let mode: WebSignIn.Mode
        if let asked {
            guard let chosen = WebSignIn.Mode(rawValue: asked) else {
                throw ValidationError("--web-sign-in '\(asked)': give oidc, token or both")
            }
            mode = chosen
        } else {
            mode = providers.isEmpty ? .token : .both
        }
        if mode != .token, providers.isEmpty {
            throw ValidationError("--web-sign-in \(mode.rawValue) needs at least one --oidc-provider")
        }
        let base = publicURL ?? environment["PARCOURS_PUBLIC_URL"] ?? "http://\(host):\(port)"
        guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--public-url '\(base)': give the http(s) address people reach Parcours at")
        }
        let contact = (signInContact ?? environment["PARCOURS_SIGN_IN_CONTACT"]).flatMap { $0.isEmpty ? nil : $0 }
        return Checked(mode: mode, providers: providers, publicURL: base, contact: contact)
    }
}
