import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import Workflow
@testable import WorkflowServer

/// Requests to other administrations through the API: the agency asked lists and answers
/// them (with an `Idempotency-Key`), the case's read lists them, and the person consents
/// through the portal, which shows each request with its legal basis and whether it was sent.
@Suite("API: requests to other administrations and the citizen's consent")
struct APIRequestTests {
    static func harness(_ name: String) async throws -> (APIHarness, String) {
        let (harness, portal) = try await APIPortalTests.portalHarness(name)
        _ = try await WorkflowRepository(harness.database).publish(source: RequestWorkflow.text, publishedBy: "cli:test")
        let agents = AgentStore(harness.database)
        _ = try await agents.add(id: "crous", agency: "crous", roles: ["gestionnaire"])
        _ = try await agents.add(id: "crous-chef", agency: "crous", roles: ["gestionnaire"], supervisor: true)
        _ = try await agents.add(id: "si-dgfip", agency: "dgfip", roles: ["agent-dgfip"])
        _ = try await agents.add(id: "officier", agency: "etat-civil", roles: ["officier"])
        return (harness, portal)
    }

    static func token(_ harness: APIHarness, _ id: String) async throws -> String {
        try await AgentStore(harness.database).rotate(id: id).token
    }

    @Test("the agency asked lists and answers its requests; the case's read and the portal show them; consent sends the other")
    func journey() async throws {
        let (harness, portal) = try await Self.harness("api-requests")
        defer { harness.database.close() }
        let officier = try await Self.token(harness, "officier")
        let dgfip = try await Self.token(harness, "si-dgfip")
        let crous = try await Self.token(harness, "crous")
        try await harness.run { api in
            let alice = APIPortalTests.person("oidc|alice")
            let created = try await api.send(.post, "/api/v1/portal/cases", as: portal,
                                             json: ["workflow": "bourse-demande", "data": ["nom": "Durand"]], headers: alice)
            #expect(created.status == 201)
            let id = try #require(created["id"]?.stringValue)
            let shown = created["requests"]?.arrayValue ?? []
            #expect(shown.map { $0.value(at: "request") } == ["acte", "avis-imposition"])
            #expect(shown.first?.value(at: "sent") == true && shown.first?.value(at: "consent") == "not-required")
            #expect(shown.first?.value(at: "legal_basis") == "Décret 2011-167 (COMEDEC)")
            #expect(shown.last?.value(at: "sent") == false && shown.last?.value(at: "consent") == "not-given")
            #expect(shown.last?.value(at: "asked_of_you") == true && shown.last?.value(at: "agency_name") == "Finances publiques")

            let open = try await api.send(.get, "/api/v1/requests", as: officier)
            let items = open["items"]?.arrayValue ?? []
            #expect(items.count == 1 && items.first?.value(at: "label") == "Acte de naissance" && items.first?.value(at: "case")?.stringValue == id)
            #expect(try await api.send(.get, "/api/v1/requests", as: dgfip)["items"]?.arrayValue?.isEmpty == true)
            let requestID = try #require(items.first?.value(at: "id")?.stringValue)
            // The agency's agents find it in their inbox too.
            let browser = try await WebBrowser.signedIn(api, as: officier)
            let inbox = try await browser.get("/inbox")
            #expect(inbox.status == 200 && inbox.contains("data-request=\"\(requestID)\"") && inbox.contains("Acte de naissance"))

            // Only the agency asked answers; a body says one thing; the value is checked. The
            // tax administration, only asked by this workflow and not yet (no consent), does
            // not even know the case exists: nothing of it, by any way.
            let wrong = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: dgfip, json: ["value": EngineRequestTests.acte])
            #expect(wrong.status == 404)
            #expect(try await api.send(.get, "/api/v1/cases/\(id)", as: dgfip).status == 404)
            #expect(try await api.send(.get, "/api/v1/cases", as: dgfip)["items"]?.arrayValue?.isEmpty == true)
            #expect(try await api.send(.get, "/api/v1/events", as: dgfip)["items"]?.arrayValue?.isEmpty == true)
            #expect(try await api.send(.get, "/api/v1/cases/\(id)/history", as: dgfip).status == 404)
            let opened = try await api.send(.post, "/api/v1/cases", as: dgfip, json: ["workflow": "bourse-demande", "data": ["nom": "X"]])
            #expect(opened.status == 403, "\(opened.text)")
            let neither = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: officier, json: ["note": "?"])
            #expect(neither.status == 400 && neither["pointer"] == "/value")
            let both = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: officier,
                                          json: ["value": EngineRequestTests.acte, "refused": "no"])
            #expect(both.status == 400 && both["errors"]?.arrayValue?.count == 2)
            // Every problem of the body at once, each where it is.
            let many = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: officier,
                                          json: ["refused": " ", "note": .string(String(repeating: "n", count: 10_001))])
            let pointers = (many["errors"]?.arrayValue ?? []).compactMap { $0.value(at: "pointer")?.stringValue }
            #expect(many.status == 400 && pointers.sorted() == ["/note", "/refused"], "\(many.text)")
            let typed = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: officier,
                                           json: ["value": EngineRequestTests.acte, "refused": 42])
            #expect(typed.status == 400 && (typed["errors"]?.arrayValue?.count ?? 0) == 3, "\(typed.text)")
            let invalid = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: officier, json: ["value": 42])
            #expect(invalid.status == 422 && invalid["pointer"] == "/value", "\(invalid.json)")

            var key = HTTPFields()
            key[HTTPField.Name("Idempotency-Key")!] = "acte-1"
            let answered = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: officier,
                                              json: ["value": EngineRequestTests.acte], headers: key)
            #expect(answered.status == 200 && answered["status"] == "answered" && answered["version"] == 1)
            let replayed = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: officier,
                                              json: ["value": EngineRequestTests.acte], headers: key)
            #expect(replayed.text == answered.text && replayed.headers[HTTPField.Name("Idempotency-Replayed")!] == "true")
            #expect(try await api.send(.get, "/api/v1/requests", as: officier)["items"]?.arrayValue?.isEmpty == true)
            let emptied = try await browser.get("/inbox")
            #expect(emptied.contains("id=\"inbox-requests\"") && !emptied.contains("data-request="))

            // The case page shows the requests, the agency asked, where each stands and the consent.
            let crousPage = try await WebBrowser.signedIn(api, as: crous)
            let casePage = try await crousPage.get("/cases/\(id)")
            #expect(casePage.contains("data-request=\"acte\" data-status=\"answered\"") && casePage.contains("Demande envoyée"))
            #expect(casePage.contains("data-request=\"avis-imposition\" data-status=\"withheld\"") && casePage.contains("consentement non donné"))

            let read = try await api.send(.get, "/api/v1/cases/\(id)", as: crous)
            #expect(read["data.pieces.acte_naissance"] == EngineRequestTests.acte)
            let listed = read["requests"]?.arrayValue ?? []
            #expect(listed.first { $0.value(at: "request") == "acte" }?.value(at: "status") == "answered")
            #expect(listed.first { $0.value(at: "request") == "avis-imposition" }?.value(at: "consent") == "not-given")

            // The read of the answered document is journaled with the request and its legal
            // basis, and the person is told it in their words.
            let log = try await api.send(.get, "/api/v1/portal/cases/\(id)/access-log", as: portal, headers: alice)
            let sources = (log["items"]?.arrayValue ?? []).flatMap { $0.value(at: "sources")?.arrayValue ?? [] }
            let words = sources.compactMap { $0.value(at: "words")?.stringValue }
            #expect(words.contains("CROUS a consulté votre « Acte de naissance », fourni par Service central d'état civil, au titre de : Décret 2011-167 (COMEDEC)."), "\(words)")
            #expect(sources.allSatisfy { $0.value(at: "request") == "acte" && $0.value(at: "legal_basis") == "Décret 2011-167 (COMEDEC)" })
            // The supervisor's case page shows that read in the access journal with its source.
            let chef = try await WebBrowser.signedIn(api, as: try await Self.token(harness, "crous-chef"))
            let journal = try #require(try await chef.get("/cases/\(id)").html.components(separatedBy: "<section id=\"journal\"").last)
            #expect(journal.contains("<li data-request=\"acte\" data-agency=\"etat-civil\">« Acte de naissance », fourni par Service central d&#39;état civil, au titre de : Décret 2011-167 (COMEDEC)</li>"),
                    "\(journal.prefix(1500))")
            // A system reading the feed reads it too: journaled the same way.
            let feed = try await api.send(.get, "/api/v1/events", as: crous)
            #expect(feed.status == 200 && feed["items"]?.arrayValue?.isEmpty == false)
            let fedLog = try await api.send(.get, "/api/v1/portal/cases/\(id)/access-log", as: portal, headers: alice)
            let fed = (fedLog["items"]?.arrayValue ?? []).filter { $0.value(at: "via") == "GET /api/v1/events" }
            #expect(fed.contains { ($0.value(at: "sources")?.arrayValue ?? []).contains { $0.value(at: "request") == "acte" } }, "\(fed)")

            // Consent: every problem at once, then given, which sends the request.
            let empty = try await api.send(.post, "/api/v1/portal/cases/\(id)/consents", as: portal, json: [:], headers: alice)
            #expect(empty.status == 400 && empty["errors"]?.arrayValue?.count == 2)
            let unknown = try await api.send(.post, "/api/v1/portal/cases/\(id)/consents", as: portal,
                                             json: ["request": "avis", "granted": true], headers: alice)
            #expect(unknown.status == 422 && unknown["pointer"] == "/request" && unknown.text.contains("the workflow has no request 'avis'"), "\(unknown.text)")
            let given = try await api.send(.post, "/api/v1/portal/cases/\(id)/consents", as: portal,
                                           json: ["request": "avis-imposition", "granted": true], headers: alice)
            #expect(given.status == 200)
            let avis = given["requests"]?.arrayValue?.last
            #expect(avis?.value(at: "consent") == "given" && avis?.value(at: "sent") == true && avis?.value(at: "asked_of_you") == false)
            let waiting = try await api.send(.get, "/api/v1/requests", as: dgfip)["items"]?.arrayValue ?? []
            #expect(waiting.count == 1)
            // Asked, it knows the case now; its feed has the request, and nothing else of the case.
            #expect(try await api.send(.get, "/api/v1/cases/\(id)", as: dgfip).status == 200)
            let told = (try await api.send(.get, "/api/v1/events", as: dgfip)["items"]?.arrayValue ?? []).compactMap { $0.value(at: "type")?.stringValue }
            #expect(told == ["parcours.request.opened"], "\(told)")
            #expect(try await api.send(.get, "/api/v1/cases", as: dgfip)["items"]?.arrayValue?.isEmpty == true)
            let avisID = try #require(waiting.first?.value(at: "id")?.stringValue)

            // The tax administration's agent answers from the inbox page: neither answer nor
            // reason is refused in the page; the file sent is hashed into the document field.
            let page = try await WebBrowser.signedIn(api, as: dgfip)
            let form = try await page.get("/inbox")
            #expect(form.contains("action=\"/requests/\(avisID)/answer\"") && form.contains("type=\"file\""))
            let nothing = try await page.postMultipart("/requests/\(avisID)/answer", ["refused": ""])
            #expect(nothing.status == 422 && nothing.contains("role=\"alert\">Donnez la réponse ou la raison"), "\(nothing.html.prefix(300))")
            let pdf = Array("%PDF-1.4 avis 2025".utf8)
            let sent = try await page.postMultipart("/requests/\(avisID)/answer", parts: ["data.pieces.avis_imposition": pdf],
                                                    files: ["data.pieces.avis_imposition": "avis-2025.pdf"])
            #expect(sent.status == 303 && sent.location == "/inbox?done=request-answered", "\(sent.status) \(sent.html.prefix(300))")
            let landed = try await page.get("/inbox?done=request-answered")
            #expect(landed.contains("<p class=\"done\" role=\"status\">Réponse enregistrée"), "the inbox does not say the answer was recorded")
            #expect(try await page.get("/inbox?done=%3Cb%3E").contains("class=\"done\"") == false, "a word of the URL reached the page")
            let after = try await api.send(.get, "/api/v1/cases/\(id)", as: crous)
            #expect(after["data.pieces.avis_imposition.sha256"]?.stringValue == SHA256Digest.hex(pdf))
            #expect(after["data.pieces.avis_imposition.issuer"] == "dgfip" && after["data.pieces.avis_imposition.name"] == "avis-2025.pdf")
            #expect(try await api.send(.get, "/api/v1/requests", as: dgfip)["items"]?.arrayValue?.isEmpty == true)
            // An agent cannot consent for the person.
            let bob = APIPortalTests.person("oidc|bob")
            let other = try await api.send(.post, "/api/v1/portal/cases/\(id)/consents", as: portal,
                                           json: ["request": "avis-imposition", "granted": false], headers: bob)
            #expect(other.status == 404)
        }
        try await StoreCaseTests.expectInvariant(harness.database)
    }

    @Test("an agency with a queue finds the request as a task there too: listed by kind, shown on its inbox page, closed by the answer")
    func requestTask() async throws {
        let (harness, _) = try await APIPortalTests.portalHarness("api-request-task")
        defer { harness.database.close() }
        _ = try await WorkflowRepository(harness.database).publish(source: EngineRequestTaskTests.text, publishedBy: "cli:test")
        _ = try await AgentStore(harness.database).add(id: "officier", agency: "etat-civil", roles: ["officier"])
        _ = try await AgentStore(harness.database).add(id: "collegue", agency: "etat-civil", roles: ["officier"])
        _ = try await AgentStore(harness.database).add(id: "crous", agency: "crous", roles: ["gestionnaire"])
        let officier = try await Self.token(harness, "officier")
        let collegue = try await Self.token(harness, "collegue")
        let crous = try await Self.token(harness, "crous")
        try await harness.run { api in
            let created = try await api.send(.post, "/api/v1/cases", as: crous, json: ["workflow": "bourse-demande", "data": ["nom": "Durand"]])
            #expect(created.status == 201)
            let id = try #require(created["id"]?.stringValue)
            let tasks = try await api.send(.get, "/api/v1/tasks?kind=request", as: officier)["items"]?.arrayValue ?? []
            #expect(tasks.count == 1 && tasks.first?.value(at: "queue") == "actes" && tasks.first?.value(at: "case")?.stringValue == id)
            let requestID = try #require(tasks.first?.value(at: "request")?.stringValue)
            let taskID = try #require(tasks.first?.value(at: "id")?.stringValue)
            #expect(try await api.send(.get, "/api/v1/requests", as: officier)["items"]?.arrayValue?.first?.value(at: "id")?.stringValue == requestID)
            #expect(try await api.send(.get, "/api/v1/tasks?kind=work", as: officier)["items"]?.arrayValue?.isEmpty == true)
            let bad = try await api.send(.get, "/api/v1/tasks?kind=demande", as: officier)
            #expect(bad.status == 400 && bad.text.contains("work, escalation or request"))
            // The crous's instructor sees it on the case, not in their own queue.
            #expect(try await api.send(.get, "/api/v1/tasks?kind=request", as: crous)["items"]?.arrayValue?.isEmpty == true)

            // The registry's agent claims it from the inbox page, whose row leads to the answer form.
            let page = try await WebBrowser.signedIn(api, as: officier)
            let inbox = try await page.get("/inbox")
            #expect(inbox.contains("data-task=\"\(taskID)\" data-case=\"\(id)\" data-kind=\"request\""))
            #expect(inbox.contains("href=\"#request-\(requestID)\"") && inbox.contains("id=\"request-\(requestID)\""))
            #expect(inbox.contains("Demande à satisfaire : Acte de naissance"))
            #expect(try await api.send(.post, "/api/v1/tasks/\(taskID)/claim", as: officier).status == 200)
            // Resolving it otherwise than by the answer says what it waits for.
            let resolved = try await api.send(.post, "/api/v1/tasks/\(taskID)/resolve", as: officier, json: ["evaluate": true])
            #expect(resolved.status == 422 && resolved.text.contains("waits for the answer to request \(requestID)"), "\(resolved.text)")
            // Held by one agent, the request is theirs to answer.
            let held = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: collegue, json: ["value": EngineRequestTests.acte])
            #expect(held.status == 409 && held["code"] == "task-held", "\(held.text)")
            // On the colleague's inbox page: who holds it, and no form; a form sent anyway is refused in French.
            let colleaguePage = try await WebBrowser.signedIn(api, as: collegue)
            let heldInbox = try await colleaguePage.get("/inbox")
            #expect(heldInbox.contains("<p class=\"muted held\">pris par") && !heldInbox.contains("action=\"/requests/\(requestID)/answer\""))
            let forced = try await colleaguePage.postMultipart("/requests/\(requestID)/answer", ["refused": "non"])
            #expect(forced.status == 409 && forced.contains("La tâche est prise par"), "\(forced.status) \(forced.html.prefix(300))")
            let answered = try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: officier, json: ["value": EngineRequestTests.acte])
            #expect(answered.status == 200)
            #expect(try await api.send(.get, "/api/v1/tasks", as: officier)["items"]?.arrayValue?.isEmpty == true)
            let read = try await api.send(.get, "/api/v1/cases/\(id)", as: crous)
            #expect((read["tasks"]?.arrayValue ?? []).allSatisfy { $0.value(at: "kind") == "work" })
        }
        try await StoreCaseTests.expectInvariant(harness.database)
    }

    @Test("a list showing a provided value in its summary journals its source, as a case's read does")
    func listJournalsSources() async throws {
        let (harness, _) = try await APIPortalTests.portalHarness("api-request-list")
        defer { harness.database.close() }
        let text = RequestWorkflow.text.replacingOccurrences(of: "start: instruction\n", with: "summary: [nom, pieces.acte_naissance]\nstart: instruction\n")
        #expect(text != RequestWorkflow.text)
        _ = try await WorkflowRepository(harness.database).publish(source: text, publishedBy: "cli:test")
        _ = try await AgentStore(harness.database).add(id: "officier", agency: "etat-civil", roles: ["officier"])
        _ = try await AgentStore(harness.database).add(id: "crous", agency: "crous", roles: ["gestionnaire"])
        let officier = try await Self.token(harness, "officier")
        let crous = try await Self.token(harness, "crous")
        try await harness.run { api in
            let id = try #require(try await api.send(.post, "/api/v1/cases", as: crous,
                                                     json: ["workflow": "bourse-demande", "data": ["nom": "Durand"]])["id"]?.stringValue)
            let caseID = try #require(UUID(uuidString: id))
            let requestID = try #require(try await api.send(.get, "/api/v1/requests", as: officier)["items"]?.arrayValue?.first?.value(at: "id")?.stringValue)
            // Before the answer, the list shows the name only: no source.
            #expect(try await api.send(.get, "/api/v1/cases", as: crous).status == 200)
            #expect(try await api.send(.post, "/api/v1/requests/\(requestID)/answer", as: officier, json: ["value": EngineRequestTests.acte]).status == 200)
            let listed = try await api.send(.get, "/api/v1/cases", as: crous)
            #expect(listed["items"]?.arrayValue?.first?.value(at: "summary") != nil)
            let lists = try await AccessJournal(harness.database).entries(caseID).filter { $0.via == "GET /api/v1/cases" }
            #expect(lists.count == 2)
            #expect(lists.first?.sources.isEmpty == true)
            let source = try #require(lists.last?.sources.first)
            #expect(lists.last?.fields.contains("pieces.acte_naissance") == true)
            #expect(source.request == "acte" && source.to == "etat-civil" && source.legalBasis == "Décret 2011-167 (COMEDEC)")
            #expect(source.words == "CROUS a consulté votre « Acte de naissance », fourni par Service central d'état civil, au titre de : Décret 2011-167 (COMEDEC).")

            // Replaced since by another document, the value read is no longer the registry's:
            // neither the case's read nor the list names it as provided.
            let own = EngineFixtures.document("acte-naissance", issuer: "usager")
            _ = try await harness.services.door.change(caseID, CaseRequest(.correctData(["pieces": ["acte_naissance": own]]), note: "pièce déposée"),
                                                       by: .operatorUser("test", via: "test"))
            #expect(try await api.send(.get, "/api/v1/cases/\(id)", as: crous).status == 200)
            #expect(try await api.send(.get, "/api/v1/cases", as: crous).status == 200)
            let after = try await AccessJournal(harness.database).entries(caseID).filter { $0.kind == "read" && $0.actor == "agent:crous" }.suffix(2)
            #expect(after.count == 2 && after.allSatisfy { $0.sources.isEmpty && $0.fields.contains("pieces.acte_naissance") }, "\(after)")
        }
    }
}
