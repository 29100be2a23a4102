import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Workflow
@testable import WorkflowServer

@Suite("Web pages: inbox and case page")
struct WebCasePagesTests {
    /// A retirement case whose career lacks the State status: it escalates `statut-inconnu`.
    static func escalatedCase(_ api: APIClient) async throws -> String {
        let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                         json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite-statuts-incomplets")])
        let id = try #require(created["id"]?.stringValue)
        let moved = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                       json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
        #expect(moved["escalated"] == .bool(true))
        return id
    }

    /// A retirement case deposited: four pension bodies at work in parallel tracks.
    static func caseWithTracks(_ api: APIClient) async throws -> String {
        let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                         json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
        let id = try #require(created["id"]?.stringValue)
        let moved = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                       json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
        #expect(moved["state"] == "instruction-parts")
        return id
    }

    @Test("the inbox lists the queue's escalation first; claim and release go through the task store")
    func inboxClaimRelease() async throws {
        let harness = try await APIHarness.make("web-inbox")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.escalatedCase(api)
            let coord = try await WebBrowser.signedIn(api, as: "coord")
            let inbox = try await coord.get("/inbox")
            #expect(inbox.contains("data-queue=\"cellule-coordination\"") && inbox.contains("data-case=\"\(id)\""))
            let task = try #require(inbox.value(after: "data-task=\""))
            #expect(inbox.contains("data-kind=\"escalation\"") && inbox.contains("form class=\"claim\""))
            let claimed = try await coord.post("/tasks/\(task)/claim", ["back": "/inbox"])
            #expect(claimed.status == 303 && claimed.location == "/inbox")
            let after = try await coord.get("/inbox")
            #expect(after.contains("form class=\"release\"") && !after.contains("form class=\"claim\""))
            let shown = try await api.send(.get, "/api/v1/cases/\(id)", as: "coord")
            #expect(shown["tasks"]?.arrayValue?.first?.value(at: "assignee") == .string("agent:coord"))
            // The inbox of another queue reads no case of this one: the journal says so.
            _ = try await coord.get("/inbox?queue=rh-carriere")
            let journaled = try await AccessJournal(harness.database).entries(UUID(uuidString: id)!).filter { $0.via == "GET /inbox" }
            #expect(journaled.count == 3, "the three inbox pages that showed the case (sign-in lands on the inbox), not the one that did not: \(journaled.count)")
            // Another agent of the queue cannot take it now; the refusal is shown in the page.
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            #expect(try await rh.get("/inbox").contains(task) == false, "rh does not work the coordination queue")
            #expect(try await coord.post("/tasks/\(task)/release", ["back": "/inbox"]).status == 303)
            #expect(try await coord.get("/inbox").contains("form class=\"claim\""))
        }
    }

    @Test("the case page shows the parallel tracks; another agency gets the same 404 as a case that does not exist")
    func casePageAccess() async throws {
        let harness = try await APIHarness.make("web-case-access")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.caseWithTracks(api)
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let page = try await rh.get("/cases/\(id)")
            #expect(page.status == 200)
            for track in ["carriere", "sre", "cnracl", "ircantec"] { #expect(page.contains("data-track=\"\(track)\""), "track \(track)") }
            #expect(page.contains("section id=\"timeline\"") && page.contains("data-field=\"usager.nom\""))
            #expect(!page.contains("section id=\"journal\""), "the access journal is for supervisors")
            let mairie = try await WebBrowser.signedIn(api, as: "mairie")
            let refused = try await mairie.get("/cases/\(id)")
            let other = UUID().uuidString.lowercased()
            let missing = try await mairie.get("/cases/\(other)")
            #expect(refused.status == 404 && missing.status == 404 && !refused.contains("Lefèvre"))
            #expect(refused.html.replacingOccurrences(of: id, with: "ID") == missing.html.replacingOccurrences(of: other, with: "ID"),
                    "the page for a case one may not know differs from the page for no case")
            let coord = try await WebBrowser.signedIn(api, as: "coord")
            let supervised = try await coord.get("/cases/\(id)")
            #expect(supervised.contains("section id=\"journal\"") && supervised.contains("GET /cases/{id} (page)"))
        }
    }

    @Test("a field restricted to the medical adviser is shown to them only, in data and history")
    func restrictedField() async throws {
        let harness = try await APIHarness.make("web-case-restricted")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await APIAccessTests.invalidityCase(api)
            let medecin = try await WebBrowser.signedIn(api, as: "medecin")
            #expect(try await medecin.get("/cases/\(id)").contains("data-field=\"sante.taux_invalidite\">62"))
            for agent in ["rh", "coord", "sre"] {
                let page = try await WebBrowser.signedIn(api, as: agent).get("/cases/\(id)")
                #expect(page.status == 200 && !page.contains("taux_invalidite") && !page.contains("rapport_medical"), "\(agent) sees health data")
            }
        }
    }

    @Test("an action fired from its form moves the track; a refusal and a stale version are shown next to the form")
    func actAndRefusals() async throws {
        let harness = try await APIHarness.make("web-case-act")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.caseWithTracks(api)
            let sre = try await WebBrowser.signedIn(api, as: "sre")
            let page = try await sre.get("/cases/\(id)")
            #expect(page.contains("data-action=\"valider-part\" data-track=\"sre\"") && page.contains("name=\"data.pension.sre.montant\""))
            let version = try #require(page.hidden("expected_version"))

            // The API moves the case meanwhile: the page's version is stale.
            _ = try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh", json: ["text": "pièce reçue"])
            let stale = try await sre.post("/cases/\(id)/actions", ["action": "valider-part", "track": "sre", "expected_version": version,
                                                                     "data.pension.sre.montant": "1843.27"])
            #expect(stale.status == 409 && stale.refusal?.contains("changé") == true, "\(stale.refusal ?? "")")

            let fresh = try #require(try await sre.get("/cases/\(id)").hidden("expected_version"))
            let malformed = try await sre.post("/cases/\(id)/actions", ["action": "valider-part", "track": "sre", "expected_version": fresh,
                                                                         "data.pension.sre.montant": "beaucoup"])
            #expect(malformed.status == 422 && malformed.refusal?.contains("Montant de la pension SRE") == true, "\(malformed.refusal ?? "")")
            let missing = try await sre.post("/cases/\(id)/actions", ["action": "valider-part", "track": "sre", "expected_version": fresh])
            #expect(missing.status == 422 && missing.refusal?.contains("Montant de la pension SRE") == true, "\(missing.refusal ?? "no refusal")")

            let done = try await sre.post("/cases/\(id)/actions", ["action": "valider-part", "track": "sre", "expected_version": fresh,
                                                                    "data.pension.sre.montant": "1843,27"])
            #expect(done.status == 303 && done.location == "/cases/\(id)?done=action")
            let after = try await sre.get("/cases/\(id)")
            #expect(after.contains("data-track=\"sre\" data-state=\"part-sre-validee\""))
            #expect(after.contains("data-field=\"pension.sre.montant\">1843.27"))
        }
    }

    @Test("the coordination cell corrects the career from the page and evaluates again; an override needs its justification")
    func resolveEscalation() async throws {
        let harness = try await APIHarness.make("web-case-resolve")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.escalatedCase(api)
            let coord = try await WebBrowser.signedIn(api, as: "coord")
            let page = try await coord.get("/cases/\(id)")
            #expect(page.contains("data-reason=\"statut-inconnu\""))
            let task = try #require(page.value(after: "class=\"escalation escalation-box\" data-task=\""))

            let version = try #require(page.hidden("expected_version"))
            let unversioned = try await coord.post("/tasks/\(task)/resolve", ["way": "evaluate"])
            #expect(unversioned.status == 400, "a changing form without the version it showed")
            let unjustified = try await coord.post("/tasks/\(task)/resolve", ["way": "override", "state": "instruction-parts", "note": "",
                                                                               "expected_version": version])
            #expect(unjustified.status == 422 && unjustified.refusal?.contains("justification") == true, "\(unjustified.refusal ?? "")")

            var fields: [(String, String)] = [("expected_version", version), ("data.carriere.statuts.present", "1"), ("note", "statut État oublié")]
            for status in ["contractuel", "fonctionnaire_hospitalier", "fonctionnaire_etat"] { fields.append(("data.carriere.statuts", status)) }
            let corrected = try await coord.post("/cases/\(id)/data", pairs: fields)
            #expect(corrected.status == 303, "\(corrected.html.prefix(400))")
            let current = try #require(try await coord.get("/cases/\(id)").hidden("expected_version"))
            let evaluated = try await coord.post("/tasks/\(task)/resolve", ["way": "evaluate", "note": "statuts complétés",
                                                                             "expected_version": current])
            #expect(evaluated.status == 303)
            let after = try await coord.get("/cases/\(id)")
            #expect(after.contains("data-state=\"instruction-parts\"") && !after.contains("data-reason=\"statut-inconnu\""))
            #expect(after.contains("data-kind=\"data-corrected\"") && after.contains("statut État oublié"))

            let noted = try await coord.post("/cases/\(id)/notes", ["note": "usager prévenu par téléphone"])
            #expect(noted.status == 303)
            #expect(try await coord.get("/cases/\(id)").contains("usager prévenu par téléphone"))
        }
    }

    @Test("a note written in the page is read by the author's agency unless its box names others; the box offers the choice")
    func noteAudience() async throws {
        let harness = try await APIHarness.make("web-case-notes")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.caseWithTracks(api)
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let page = try await rh.get("/cases/\(id)")
            #expect(page.contains("id=\"note-audience\" name=\"note_visible_to\"") && page.contains("<option value=\"armees\" selected>"),
                    "the note box offers who may read the note, the author's agency preselected")
            #expect(try await rh.post("/cases/\(id)/notes", ["note": "carrière : relevé demandé au CMG", "note_visible_to": "armees"]).status == 303)
            #expect(try await rh.post("/cases/\(id)/notes", ["note": "dossier complet pour toutes les caisses", "note_visible_to": "all"]).status == 303)
            let sre = try await WebBrowser.signedIn(api, as: "sre").get("/cases/\(id)")
            #expect(sre.contains("dossier complet pour toutes les caisses") && !sre.contains("relevé demandé au CMG"),
                    "the SRE reads the note meant for all and not the ministry's own")
            #expect(try await rh.get("/cases/\(id)").contains("relevé demandé au CMG"))
        }
    }

    /// The values of `attribute` in the page's section `id`, in order.
    static func attributes(_ attribute: String, in page: WebPage, section id: String) -> [String] {
        guard let start = page.html.range(of: "<section id=\"\(id)\""),
              let end = page.html.range(of: "</section>", range: start.upperBound..<page.html.endIndex) else { return [] }
        let section = String(page.html[start.upperBound..<end.lowerBound])
        return section.components(separatedBy: "\(attribute)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test("an agent of a track's agency finds its own track's actions first and the withdrawal last, apart, with a confirmation box")
    func actionOrder() async throws {
        let harness = try await APIHarness.make("web-case-order")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.caseWithTracks(api)
            let rh = try await WebBrowser.signedIn(api, as: "rh").get("/cases/\(id)")
            #expect(Self.attributes("data-action", in: rh, section: "actions") == ["signaler-lacune", "valider-part", "desistement"])
            #expect(Self.attributes("data-track", in: rh, section: "actions") == ["carriere", "carriere"])
            let sre = try await WebBrowser.signedIn(api, as: "sre").get("/cases/\(id)")
            #expect(Self.attributes("data-action", in: sre, section: "actions") == ["valider-part", "desistement"])
            // Set apart, after the others, with its own heading and a required confirmation.
            let apart = try #require(sre.html.range(of: "class=\"closing-actions\""))
            let withdrawal = try #require(sre.html.range(of: "data-action=\"desistement\""))
            #expect(apart.upperBound < withdrawal.lowerBound && sre.contains("id=\"closing-actions-title\""))
            #expect(sre.contains("<input type=\"checkbox\" id=\"confirm-action-desistement-\" name=\"confirm\" value=\"yes\" required>"))
            #expect(sre.contains("<label for=\"confirm-action-desistement-\">"))
            #expect(!sre.contains("id=\"confirm-action-valider-part-sre\""), "an ordinary action asks for no confirmation")
        }
    }

    @Test("a withdrawal without its confirmation is refused and writes nothing; confirmed, it closes the case and says so")
    func closingConfirmation() async throws {
        let harness = try await APIHarness.make("web-case-confirm")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.caseWithTracks(api)
            let sre = try await WebBrowser.signedIn(api, as: "sre")
            let version = try #require(try await sre.get("/cases/\(id)").hidden("expected_version"))
            let before = try await api.send(.get, "/api/v1/cases/\(id)", as: "rh")
            let unconfirmed = try await sre.post("/cases/\(id)/actions", ["action": "desistement", "expected_version": version,
                                                                          "note": "l'usager renonce"])
            #expect(unconfirmed.status == 422 && unconfirmed.refusal?.contains("confirmation") == true, "\(unconfirmed.refusal ?? "")")
            #expect(unconfirmed.contains("Rien n&#39;a été enregistré"), "the refusal says nothing was written")
            let after = try await api.send(.get, "/api/v1/cases/\(id)", as: "rh")
            #expect(after["version"] == before["version"] && after["state"] == "instruction-parts", "nothing written")

            let confirmed = try await sre.post("/cases/\(id)/actions", ["action": "desistement", "expected_version": version,
                                                                        "note": "l'usager renonce", "confirm": "yes"])
            #expect(confirmed.status == 303 && confirmed.location == "/cases/\(id)?done=closed")
            let closed = try await sre.get(try #require(confirmed.location))
            #expect(closed.contains("data-state=\"desistement-enregistre\""))
            #expect(closed.contains("<p class=\"done\" role=\"status\">Action enregistrée : le dossier est clos.</p>"))
        }
    }

    @Test("after each change the page says what was done, in both languages; an unknown message says nothing")
    func doneMessages() async throws {
        let harness = try await APIHarness.make("web-case-done")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.caseWithTracks(api)
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let page = try await rh.get("/cases/\(id)")
            #expect(!page.contains("class=\"done\""), "no message before any change")
            let noted = try await rh.post("/cases/\(id)/notes", ["note": "pièce reçue"])
            #expect(noted.status == 303 && noted.location == "/cases/\(id)?done=note")
            #expect(try await rh.get("/cases/\(id)?done=note").contains("<p class=\"done\" role=\"status\">Note ajoutée à l&#39;historique.</p>"))
            #expect(try await rh.get("/cases/\(id)?done=action&lang=en").contains("<p class=\"done\" role=\"status\">Action recorded"))
            let forged = try await rh.get("/cases/\(id)?done=%3Cscript%3Ealert(1)%3C/script%3E&lang=fr")
            #expect(forged.status == 200 && !forged.contains("class=\"done\"") && !forged.contains("<script"))
            let version = try #require(try await rh.get("/cases/\(id)").hidden("expected_version"))
            let corrected = try await rh.post("/cases/\(id)/data", ["expected_version": version,
                                                                    "data.carriere.trimestres": "172"])
            #expect(corrected.status == 303 && corrected.location == "/cases/\(id)?done=correction")
        }
    }

    @Test("the timeline shows what people did first, the engine's bookkeeping of the same change inside, all of it")
    func groupedTimeline() async throws {
        let harness = try await APIHarness.make("web-case-timeline")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.caseWithTracks(api)
            let page = try await WebBrowser.signedIn(api, as: "rh").get("/cases/\(id)")
            let timeline = try #require(page.html.range(of: "<section id=\"timeline\"").map { String(page.html[$0.lowerBound...]) })
            let leads = timeline.matches(of: /<li class="event" data-kind="([a-z-]+)">/).map { String($0.1) }
            let followers = timeline.matches(of: /<li class="event follower" data-kind="([a-z-]+)">/).map { String($0.1) }
            #expect(leads == ["action", "created"], "newest first, people's acts only: \(leads)")
            #expect(followers.filter { $0 == "track-opened" }.count == 4 && followers.contains("entered") && followers.contains("task-opened"))
            #expect(!leads.contains("entered") && !leads.contains("task-opened"))
            let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "rh")
            #expect(leads.count + followers.count == history["items"]?.arrayValue?.count ?? -1,
                    "every entry is shown, as a lead or inside one")
            #expect(timeline.contains("<details class=\"followers\">") && timeline.contains("<summary>Suites enregistrées par le moteur"))
        }
    }

    @Test("the case page has a line per legal clock, its due date and how it was computed; the timeline names the clock")
    func legalClocks() async throws {
        let harness = try await APIHarness.make("web-case-clocks")
        defer { harness.database.close() }
        let (_, token) = try await AgentStore(harness.database).add(id: "gb", agency: "crous", roles: ["gestionnaire-bourses"])
        let store = CaseStore(harness.database, catalog: WorkflowCatalog(WorkflowRepository(harness.database)))
        let created = try await store.create(workflowID: "bourse-sur-criteres-sociaux", data: EngineGrantTests.data,
                                             actor: StoreCaseTests.operatorActor)
        _ = try await StoreCaseTests.act(store, created.id, "valider-dse", data: EngineGrantTests.dse())
        try await harness.run { api in
            let page = try await WebBrowser.signedIn(api, as: token).get("/cases/\(WebPaths.text(created.id))")
            #expect(page.status == 200)
            #expect(page.html.contains("<section id=\"clocks\""))
            #expect(page.html.contains("data-clock=\"examen\" data-status=\"running\""))
            #expect(page.html.contains("Délai d&#39;examen du dossier complet") || page.html.contains("Délai d'examen du dossier complet"))
            #expect(page.html.contains("Comment l&#39;échéance est calculée") || page.html.contains("Comment l'échéance est calculée"))
            #expect(page.html.contains(": 1 mois, à compter du "))
            #expect(page.html.contains("démarré"), "the timeline says the clock started")
        }
    }
}
