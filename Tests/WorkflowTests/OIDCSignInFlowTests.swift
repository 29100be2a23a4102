import Foundation
import Testing
@testable import Workflow

/// The whole sign-in through a provider, on PostgreSQL and the in-memory provider: state,
/// nonce and PKCE made and checked, the person matched only to an agent an operator
/// registered, and every untrustworthy return refused.
@Suite("OpenID Connect: sign-in flow and matching")
struct OIDCSignInFlowTests {
    struct Started {
        let state: String
        let nonce: String
        let challenge: String
        let browser: String
        let url: URL
    }

    static func setUp(_ name: String) async throws -> (Database, TestOIDCProvider, OIDCSignIn) {
        let database = try await TestDatabase.fresh(name)
        let provider = TestOIDCProvider()
        let store = AgentStore(database)
        _ = try await store.add(id: "claude", agency: "sre", roles: ["liquidateur-sre"],
                                identity: .init(email: "C.Martin@finances.gouv.fr"))
        _ = try await store.add(id: "dora", agency: "armees", roles: ["gestionnaire-rh"],
                                identity: .init(issuer: TestOIDCProvider.issuer, subject: "sub-dora"))
        let signIn = OIDCSignIn(providers: [provider.settings], publicURL: "http://127.0.0.1:8080/", database: database, transport: provider)
        return (database, provider, signIn)
    }

    static func begin(_ signIn: OIDCSignIn, next: String = "/inbox") async throws -> Started {
        let (url, browser) = try #require(try await signIn.begin(provider: "test-idp", next: next))
        let query = Dictionary(URLComponents(url: url, resolvingAgainstBaseURL: false)!.queryItems!.map { ($0.name, $0.value ?? "") },
                               uniquingKeysWith: { $1 })
        #expect(query["response_type"] == "code" && query["client_id"] == TestOIDCProvider.clientID)
        #expect(query["redirect_uri"] == "http://127.0.0.1:8080/login/oidc/test-idp/callback")
        #expect(query["code_challenge_method"] == "S256" && query["scope"]?.contains("openid") == true)
        return Started(state: query["state"]!, nonce: query["nonce"]!, challenge: query["code_challenge"]!, browser: browser, url: url)
    }

    static func agentID(_ outcome: OIDCSignIn.Outcome) -> String? {
        if case let .signedIn(agent, _, _, _, _) = outcome { return agent.id }
        return nil
    }

    static func isUnknown(_ outcome: OIDCSignIn.Outcome) -> Bool {
        if case .unknownPerson = outcome { return true }
        return false
    }

    static func refusal(_ outcome: OIDCSignIn.Outcome) -> String? {
        if case let .refused(reason) = outcome { return reason }
        return nil
    }

    @Test("a verified e-mail the operator registered signs its agent in; the code is redeemed with the PKCE verifier and the secret")
    func signedInByEmail() async throws {
        let (database, provider, signIn) = try await Self.setUp("oidcemail")
        defer { database.close() }
        let started = try await Self.begin(signIn, next: "/cases")
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce)))
        let outcome = try await signIn.finish(provider: "test-idp", code: "the-code", state: started.state, error: nil, browser: started.browser)
        #expect(Self.agentID(outcome) == "claude")
        if case let .signedIn(_, provider, idToken, _, next) = outcome {
            #expect(provider == "test-idp" && next == "/cases" && !idToken.isEmpty)
        }
        let request = try #require(provider.tokenRequests.last)
        #expect(request["code"] == "the-code" && request["grant_type"] == "authorization_code")
        #expect(OIDCClient.codeChallenge(request["code_verifier"] ?? "") == started.challenge)
        #expect(request["basic"] == "\(TestOIDCProvider.clientID):\(TestOIDCProvider.secret)")
        // The state is used once: the same return again is refused.
        let replay = try await signIn.finish(provider: "test-idp", code: "the-code", state: started.state, error: nil, browser: started.browser)
        #expect(Self.refusal(replay)?.contains("state") == true)
    }

    @Test("the subject at its issuer comes first; an e-mail the provider does not vouch for matches nobody")
    func subjectAndUnverifiedEmail() async throws {
        let (database, provider, signIn) = try await Self.setUp("oidcsubject")
        defer { database.close() }
        var started = try await Self.begin(signIn)
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce, sub: "sub-dora")))
        #expect(Self.agentID(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser)) == "dora")

        for verified in [false, nil] as [Bool?] {
            started = try await Self.begin(signIn)
            provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce, emailVerified: verified)))
            let outcome = try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser)
            #expect(Self.isUnknown(outcome), "email_verified \(String(describing: verified))")
        }
    }

    @Test("an unknown person, and a revoked agent, are told apart from a refusal and sign nobody in")
    func unknownPerson() async throws {
        let (database, provider, signIn) = try await Self.setUp("oidcunknown")
        defer { database.close() }
        var started = try await Self.begin(signIn)
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce, sub: "sub-x", email: "rose@badwolf.org")))
        #expect(Self.isUnknown(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser)))

        try await AgentStore(database).revoke(id: "claude")
        started = try await Self.begin(signIn)
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce)))
        #expect(Self.isUnknown(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser)))
    }

    @Test("another browser's return, a wrong nonce, an expired or foreign token, a provider's error are refused")
    func refusals() async throws {
        let (database, provider, signIn) = try await Self.setUp("oidcrefusals")
        defer { database.close() }
        var started = try await Self.begin(signIn)
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce)))
        let stolen = try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: SessionStore.randomText())
        #expect(Self.refusal(stolen)?.contains("browser") == true)
        // …and the stolen state is spent: its own browser cannot use it either.
        #expect(Self.refusal(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser)) != nil)

        started = try await Self.begin(signIn)
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: "another-sign-in's-nonce")))
        #expect(Self.refusal(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser))?.contains("nonce") == true)

        started = try await Self.begin(signIn)
        var expired = provider.claims(nonce: started.nonce)
        expired.exp = Date().addingTimeInterval(-3600)
        provider.answerNextCode(with: try await provider.sign(expired))
        #expect(Self.refusal(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser))?.contains("expired") == true)

        started = try await Self.begin(signIn)
        var foreign = provider.claims(nonce: started.nonce)
        foreign.aud = ["someone-else"]
        provider.answerNextCode(with: try await provider.sign(foreign))
        #expect(Self.refusal(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser))?.contains("meant for") == true)

        started = try await Self.begin(signIn)
        let token = try await provider.sign(provider.claims(nonce: started.nonce)).split(separator: ".").map(String.init)
        let other = try await provider.sign(provider.claims(nonce: started.nonce, sub: "sub-dora")).split(separator: ".").map(String.init)
        provider.answerNextCode(with: [token[0], other[1], token[2]].joined(separator: "."))
        #expect(Self.refusal(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser))?.contains("signature") == true)

        started = try await Self.begin(signIn)
        #expect(Self.refusal(try await signIn.finish(provider: "test-idp", code: nil, state: started.state, error: "access_denied", browser: started.browser))?.contains("access_denied") == true)

        started = try await Self.begin(signIn)
        #expect(Self.refusal(try await signIn.finish(provider: "elsewhere", code: "c", state: started.state, error: nil, browser: started.browser)) != nil)
    }

    @Test("the provider's sign-out address carries the ID token and comes back to the sign-in page")
    func endSession() async throws {
        let (database, _, signIn) = try await Self.setUp("oidcendsession")
        defer { database.close() }
        let url = try #require(await signIn.endSessionURL(provider: "test-idp", idToken: "the.id.token"))
        #expect(url.absoluteString.hasPrefix("https://idp.test.example/logout?id_token_hint=the.id.token&client_id=parcours"))
        #expect(url.absoluteString.contains("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Flogin"))
    }

    @Test("a provider configured with trust-emails matches an e-mail without email_verified, never one it says is not verified")
    func trustedEmails() async throws {
        let (database, provider, _) = try await Self.setUp("oidctrusted")
        defer { database.close() }
        let trusted = try OIDCProviderSettings(name: "test-idp", issuer: TestOIDCProvider.issuer, clientID: TestOIDCProvider.clientID,
                                               clientSecret: TestOIDCProvider.secret, trustsEmails: true)
        let signIn = OIDCSignIn(providers: [trusted], publicURL: "http://127.0.0.1:8080", database: database, transport: provider)
        var started = try await Self.begin(signIn)
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce, emailVerified: nil)))
        #expect(Self.agentID(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser)) == "claude")
        started = try await Self.begin(signIn)
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce, emailVerified: false)))
        #expect(Self.isUnknown(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser)))
    }

    @Test("keys that cannot be fetched refuse the sign-in, said in the reason, and are fetched again at the next one")
    func keysUnreachable() async throws {
        let (database, provider, signIn) = try await Self.setUp("oidckeysdown")
        defer { database.close() }
        provider.keysDown = true
        var started = try await Self.begin(signIn)
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce)))
        let outcome = try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser)
        #expect(Self.refusal(outcome)?.contains("cannot be reached") == true)
        provider.keysDown = false
        started = try await Self.begin(signIn)
        provider.answerNextCode(with: try await provider.sign(provider.claims(nonce: started.nonce)))
        #expect(Self.agentID(try await signIn.finish(provider: "test-idp", code: "c", state: started.state, error: nil, browser: started.browser)) == "claude")
    }
}
