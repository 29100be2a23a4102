import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Workflow
@testable import WorkflowServer

@Suite("Web pages: sign-in, sessions, forgery")
struct WebSignInTests {
    @Test("a visitor is sent to /login; a wrong token is a 401 page; a good one opens a session cookie that is not the token")
    func signIn() async throws {
        let harness = try await APIHarness.make("web-sign-in")
        defer { harness.database.close() }
        try await harness.run { api in
            let visitor = WebBrowser(api.client)
            #expect(try await visitor.get("/").location == "/login")
            #expect(try await visitor.get("/inbox").location == "/login")
            let form = try await visitor.get("/login")
            #expect(form.contains("id=\"login\"") && form.contains("name=\"token\""))
            let wrong = try await visitor.post("/login", ["token": "pc_" + String(repeating: "A", count: 43)], csrf: form.hidden("_csrf"))
            #expect(wrong.status == 401 && wrong.contains("class=\"error\" role=\"alert\""))

            let login = try await visitor.get("/login")
            let response = try await api.client.execute(
                uri: "/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: WebBrowser.origin,
                          .cookie: "parcours_signin=\(login.hidden("_csrf")!)"],
                body: ByteBuffer(string: "token=\(WebBrowser.encode(api.tokens["rh"]!))&_csrf=\(login.hidden("_csrf")!)"))
            #expect(response.status == .seeOther)
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("parcours_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains(api.tokens["rh"]!))
            // Only the session id's hash is stored.
            let id = String(cookie.dropFirst("parcours_session=".count).prefix { $0 != ";" })
            let rows = try await harness.database.client.query("SELECT id_sha256 FROM web_sessions", logger: harness.database.logger)
            var stored: [String] = []
            for try await hash in rows.decode(String.self) { stored.append(hash) }
            #expect(stored.contains(SHA256Digest.hex(id)) && !stored.contains(id))
        }
    }

    @Test("the sign-in form needs its anti-forgery cookie; the portal's token opens no page")
    func signInForgeryAndPortal() async throws {
        let harness = try await APIHarness.make("web-sign-in-forgery")
        defer { harness.database.close() }
        let (_, portal) = try await AgentStore(harness.database).add(id: "portail", agency: "portail", roles: [], portal: true)
        try await harness.run { api in
            let browser = WebBrowser(api.client)
            let forged = try await browser.post("/login", ["token": api.tokens["rh"]!], csrf: "made-up-by-another-site")
            #expect(forged.status == 403)
            let form = try await browser.get("/login")
            let refused = try await browser.post("/login", ["token": portal], csrf: form.hidden("_csrf"))
            #expect(refused.status == 403)
        }
    }

    @Test("a form without the session's token, or from another site, is refused and changes nothing")
    func forgeryRefused() async throws {
        let harness = try await APIHarness.make("web-forgery")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await WebCasePagesTests.escalatedCase(api)
            let coord = try await WebBrowser.signedIn(api, as: "coord")
            let inbox = try await coord.get("/inbox")
            let task = try #require(inbox.value(after: "data-task=\""))
            #expect(try await coord.post("/tasks/\(task)/claim", [:], sendToken: false).status == 403)
            #expect(try await coord.post("/tasks/\(task)/claim", [:], csrf: "x" + coord.csrf!).status == 403)
            #expect(try await coord.post("/tasks/\(task)/claim", [:], origin: "http://evil.example").status == 403)
            let shown = try await api.send(.get, "/api/v1/cases/\(id)", as: "coord")
            #expect(shown["tasks"]?.arrayValue?.allSatisfy { $0.value(at: "assignee")?.isNull ?? true } == true, "a forged claim went through")
        }
    }

    @Test("sign-out ends the session; revoking the agent ends it at once")
    func signOutAndRevocation() async throws {
        let harness = try await APIHarness.make("web-sign-out")
        defer { harness.database.close() }
        try await harness.run { api in
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            #expect(try await rh.get("/inbox").status == 200)
            let out = try await rh.post("/logout", [:])
            #expect(out.status == 303 && out.location == "/login")
            #expect(try await rh.get("/inbox").location == "/login")

            let coord = try await WebBrowser.signedIn(api, as: "coord")
            #expect(try await coord.get("/inbox").status == 200)
            try await AgentStore(harness.database).revoke(id: "coord")
            #expect(try await coord.get("/inbox").location == "/login")

            // A rotated token (it leaked) ends the sessions opened with it.
            let medecin = try await WebBrowser.signedIn(api, as: "medecin")
            #expect(try await medecin.get("/inbox").status == 200)
            try await Task.sleep(for: .milliseconds(20))
            _ = try await AgentStore(harness.database).rotate(id: "medecin")
            #expect(try await medecin.get("/inbox").location == "/login")
        }
    }

    @Test("pages are French by default, English on request, and carry the headers that protect them")
    func languageAndHeaders() async throws {
        let harness = try await APIHarness.make("web-language")
        defer { harness.database.close() }
        try await harness.run { api in
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let french = try await rh.get("/inbox")
            #expect(french.contains("<html lang=\"fr\">") && french.contains("Ma corbeille"))
            #expect(french.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(french.headers[.cacheControl] == "no-store")
            let english = try await rh.get("/inbox?lang=en")
            #expect(english.contains("<html lang=\"en\">") && english.contains("My inbox"))
            #expect(try await rh.get("/inbox").contains("My inbox"), "the language is remembered")
        }
    }

    @Test("a page asked for before signing in is where sign-in leads; never to another site")
    func nextPage() async throws {
        let harness = try await APIHarness.make("web-sign-in-next")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await WebCasePagesTests.escalatedCase(api)
            let browser = WebBrowser(api.client)
            let sent = try await browser.get("/cases/\(id)")
            #expect(sent.location == "/login?next=%2Fcases%2F\(id)")
            let form = try await browser.get(sent.location!)
            #expect(form.hidden("next") == "/cases/\(id)")
            let signedIn = try await browser.post("/login", ["token": api.tokens["coord"]!, "next": form.hidden("next")!])
            #expect(signedIn.location == "/cases/\(id)")
            for evil in ["//evil.example/x", "/\t/evil.example", "https://evil.example", "/\\evil.example"] {
                #expect(SignInPages.next(evil) == "/inbox", "\(evil)")
            }
        }
    }

    @Test("bodies a visitor may send are small; odd forms and characters are a 400 page, never a 500; unknown pages are HTML")
    func hostileInput() async throws {
        let harness = try await APIHarness.make("web-hostile")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await WebCasePagesTests.escalatedCase(api)
            let big = try await api.client.execute(uri: "/login", method: .post,
                                                   headers: [.contentType: "application/x-www-form-urlencoded", .origin: WebBrowser.origin],
                                                   body: ByteBuffer(string: "token=" + String(repeating: "a", count: 100_000)))
            #expect(big.status == .contentTooLarge)
            let dashes = String(repeating: "-", count: 68)
            let multipart = try await api.client.execute(uri: "/login", method: .post,
                                                         headers: [.contentType: "multipart/form-data; boundary=\(dashes)x", .origin: WebBrowser.origin],
                                                         body: ByteBuffer(string: String(repeating: "-", count: 15_000)))
            #expect(multipart.status == .forbidden, "a visitor's multipart body carries no anti-forgery token the server read")

            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let long = String(repeating: "b", count: 71)
            let boundary = try await api.client.execute(uri: "/cases/\(id)/notes", method: .post,
                                                        headers: [.contentType: "multipart/form-data; boundary=\(long)", .origin: WebBrowser.origin,
                                                                  .cookie: "parcours_session=\(rh.cookies["parcours_session"]!)"],
                                                        body: ByteBuffer(string: "--\(long)--"))
            #expect(boundary.status == .badRequest)
            #expect(try await rh.post("/cases/\(id)/notes", ["note": "a\u{0}b"]).status == 400)
            #expect(try await rh.get("/cases?q=ab%00c").status == 400)
            let apiNul = try await api.send(.get, "/api/v1/cases?q=ab%00c", as: "rh")
            #expect(apiNul.status == 400)
            let coord = try await WebBrowser.signedIn(api, as: "coord")
            #expect(try await coord.get("/supervision?min_age=999999999").status == 400)
            #expect(try await api.send(.get, "/api/v1/supervision/stuck?min_age=999999999d", as: "coord").status == 400)
            let unknown = try await rh.get("/nulle-part")
            #expect(unknown.status == 404 && unknown.contains("<html"))
            let api404 = try await api.client.execute(uri: "/api/v1/nulle-part", method: .get, headers: [:], body: nil)
            #expect(api404.status == .notFound && api404.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("every text key exists in both languages")
    func textsComplete() throws {
        let french = try Texts.table(.french), english = try Texts.table(.english)
        #expect(Set(french.keys).symmetricDifference(english.keys).isEmpty,
                "keys in one language only: \(Set(french.keys).symmetricDifference(english.keys).sorted())")
        // Texts named after the engine's words: every one the pages may show.
        let shown = TimerKind.allCases.filter { $0 != .step && !$0.isClock }.map { "timer_\($0.rawValue)" }
            + RequestRun.Status.allCases.map { "request_status_\($0.rawValue)" }
        #expect(shown.filter { french[$0] == nil } == [])
    }
}
