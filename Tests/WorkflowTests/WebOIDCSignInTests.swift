import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The pages' sign-in through a provider (the in-memory one of `TestOIDCProvider`): the
/// provider's button, the return that opens the matching agent's session, the page that tells
/// an unknown person whom to ask, a refused return, and a sign-out that ends the provider's session.
@Suite("Web pages: sign-in through an OpenID provider")
struct WebOIDCSignInTests {
    static func signIn(_ harness: APIHarness, _ provider: TestOIDCProvider, mode: WebSignIn.Mode) -> WebSignIn {
        WebSignIn(mode: mode, oidc: OIDCSignIn(providers: [provider.settings], publicURL: "http://localhost", database: harness.database,
                                               transport: provider),
                  contact: "le bureau des agents (poste 1234)")
    }

    /// Follows the provider's button; the authorization request's state and nonce.
    static func begin(_ browser: WebBrowser, next: String = "/inbox") async throws -> (state: String, nonce: String) {
        let sent = try await browser.get("/login/oidc/test-idp?next=\(WebBrowser.encode(next))")
        #expect(sent.status == 303)
        let location = try #require(sent.location)
        #expect(location.hasPrefix("https://idp.test.example/authorize?"))
        let items = URLComponents(string: location)!.queryItems!
        return (items.first { $0.name == "state" }!.value!, items.first { $0.name == "nonce" }!.value!)
    }

    @Test("with tokens off, the provider's return opens the registered agent's session; sign-out leads to the provider's sign-out")
    func signInAndOut() async throws {
        let harness = try await APIHarness.make("web-oidc")
        defer { harness.database.close() }
        let provider = TestOIDCProvider()
        _ = try await AgentStore(harness.database).update(id: "rh", AgentChange(identity: .init(email: "c.martin@finances.gouv.fr")),
                                                          by: "operator:test")
        try await harness.run(signIn: Self.signIn(harness, provider, mode: .oidc)) { api in
            let browser = WebBrowser(api.client)
            let login = try await browser.get("/login")
            #expect(login.contains("id=\"oidc-test-idp\"") && !login.contains("id=\"login\""))
            // The token form is off: a token posted anyway opens nothing.
            let refused = try await browser.post("/login", ["token": api.tokens["rh"]!], csrf: login.hidden("_csrf"))
            #expect(refused.status == 403)

            let (state, nonce) = try await Self.begin(browser, next: "/cases")
            provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: nonce)))
            let back = try await browser.get("/login/oidc/test-idp/callback?code=c&state=\(state)")
            #expect(back.status == 200 && back.contains("http-equiv=\"refresh\" content=\"0; url=/cases\""))
            let inbox = try await browser.get("/inbox")
            #expect(inbox.status == 200 && inbox.contains("rh · armees"))
            // The same return again opens nothing more.
            let replay = try await browser.get("/login/oidc/test-idp/callback?code=c&state=\(state)")
            #expect(replay.status == 403)

            let out = try await browser.post("/logout", [:])
            #expect(out.status == 200 && out.contains("https://idp.test.example/logout?id_token_hint="))
            #expect(try await browser.get("/inbox").location == "/login")
        }
    }

    @Test("an unknown person is told whom to ask and gets no session; a return without its browser's cookie is refused")
    func unknownAndRefused() async throws {
        let harness = try await APIHarness.make("web-oidc-unknown")
        defer { harness.database.close() }
        let provider = TestOIDCProvider()
        try await harness.run(signIn: Self.signIn(harness, provider, mode: .both)) { api in
            let browser = WebBrowser(api.client)
            let login = try await browser.get("/login")
            #expect(login.contains("id=\"oidc-test-idp\"") && login.contains("id=\"login\""))
            var (state, nonce) = try await Self.begin(browser)
            provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: nonce, sub: "rose", email: "rose@badwolf.org")))
            let unknown = try await browser.get("/login/oidc/test-idp/callback?code=c&state=\(state)")
            #expect(unknown.status == 403 && unknown.contains("le bureau des agents (poste 1234)") && unknown.contains("rose@badwolf.org"))
            #expect(try await browser.get("/inbox").location == "/login")

            (state, nonce) = try await Self.begin(browser)
            provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: nonce)))
            let elsewhere = WebBrowser(api.client)
            let stolen = try await elsewhere.get("/login/oidc/test-idp/callback?code=c&state=\(state)")
            #expect(stolen.status == 403 && stolen.contains("role=\"alert\""))
            #expect(try await browser.get("/login/oidc/nobody").status == 404)
        }
    }

    @Test("serve's sign-in options: providers from the environment with their secrets, the mode's default, and mistakes said")
    func options() throws {
        let environment = ["PARCOURS_OIDC_PROVIDERS": "agents-gouv https://idp.example.gouv.fr/ parcours; intradef https://sso.intradef.example/ rh trust-emails",
                           "PARCOURS_OIDC_SECRET_AGENTS_GOUV": "s1", "PARCOURS_OIDC_SECRET_INTRADEF": "s2"]
        let options = try SignInOptions.parse([])
        let checked = try options.checked(host: "127.0.0.1", port: 8080, environment: environment)
        #expect(checked.mode == .both && checked.publicURL == "http://127.0.0.1:8080")
        #expect(checked.providers.map(\.name) == ["agents-gouv", "intradef"])
        #expect(checked.providers.map(\.trustsEmails) == [false, true] && checked.providers[0].clientSecret == "s1")
        #expect(!"\(checked.providers[0])".contains("s1"), "a provider's description shows its secret")
        #expect(try SignInOptions.parse([]).checked(host: "h", port: 1, environment: [:]).mode == .token)
        #expect(throws: (any Error).self) { try SignInOptions.parse(["--web-sign-in", "oidc"]).checked(host: "h", port: 1, environment: [:]) }
        #expect(throws: (any Error).self) { try SignInOptions.parse(["--web-sign-in", "sometimes"]).checked(host: "h", port: 1, environment: environment) }
        var missing = environment
        missing["PARCOURS_OIDC_SECRET_INTRADEF"] = nil
        #expect(throws: (any Error).self) { try options.checked(host: "h", port: 1, environment: missing) }
        #expect(throws: (any Error).self) { try SignInOptions.parse(["--oidc-provider", "Bad_Name https://x/ c"]).checked(host: "h", port: 1, environment: environment) }
    }
}
