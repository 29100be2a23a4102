import Foundation
import Testing
@testable import Workflow
@testable import WorkflowServer

/// One referent person for each case (issue 21): who may name, take, change or remove it, what
/// the referent sees (their inbox section, the notes, never a field their role may not see),
/// the history and journal lines, the portal's view and the supervisors' report.
@Suite("API: the referent of a case")
struct APIReferentTests {
    static func referent(_ api: APIClient, _ id: String, _ agent: JSONValue, as caller: String, extra: [String: JSONValue] = [:]) async throws -> APIResponse {
        var body: [String: JSONValue] = ["agent": agent]
        for (key, value) in extra { body[key] = value }
        return try await api.send(.put, "/api/v1/cases/\(id)/referent", as: caller, json: .object(body))
    }

    @Test("assignment rules: referent roles, self-assignment, a supervisor's change and removal, each refusal a clear problem")
    func assignmentRules() async throws {
        let harness = try await APIHarness.make("referent-rules")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await WebCasePagesTests.caseWithTracks(api)
            let start = try await api.send(.get, "/api/v1/cases/\(id)", as: "rh")
            #expect(start["referent"] == .null, "a new case has no referent")
            let version = try #require(start["version"]?.numberValue?.int)

            // rh may take a case (self_assign: true) but holds no referent role.
            let notReferent = try await Self.referent(api, id, "rh", as: "rh")
            #expect(notReferent.status == 422 && notReferent["code"] == "not-a-referent", "\(notReferent.json)")
            #expect(notReferent["errors"]?.arrayValue?.first?.value(at: "pointer") == "/agent")
            #expect(notReferent["detail"]?.stringValue?.contains("coordinateur-retraite") == true, "the refusal says which roles may")
            // Naming someone else is a supervisor's move.
            let other = try await Self.referent(api, id, "cellule", as: "rh")
            #expect(other.status == 403 && other["detail"]?.stringValue?.contains("supervisor") == true, "\(other.json)")
            // An agent of the cell takes the case; the case's version moves.
            let taken = try await Self.referent(api, id, "cellule", as: "cellule")
            #expect(taken.status == 200, "\(taken.json)")
            #expect(taken["referent.agent"] == "cellule" && taken["referent.agency"] == "armees", "\(taken.json)")
            #expect(taken["version"]?.numberValue?.int == version + 1)
            // The same PUT again changes nothing and is no error.
            let again = try await Self.referent(api, id, "cellule", as: "cellule")
            #expect(again.status == 200 && again["version"]?.numberValue?.int == version + 1)
            // Only a supervisor changes or removes it.
            let removed = try await Self.referent(api, id, .null, as: "cellule")
            #expect(removed.status == 403, "\(removed.json)")
            // The one named must be of a referent role, and exist.
            let sre = try await Self.referent(api, id, "sre", as: "coord")
            #expect(sre.status == 422 && sre["code"] == "not-a-referent", "\(sre.json)")
            let nobody = try await Self.referent(api, id, "personne", as: "coord")
            #expect(nobody.status == 422 && nobody["detail"]?.stringValue?.contains("no agent 'personne'") == true, "\(nobody.json)")
            let stranger = try await Self.referent(api, id, "stranger", as: "coord")
            #expect(stranger.status == 422 && stranger["detail"]?.stringValue?.contains("not an agency of workflow") == true)
            // A stale version is a conflict, never a lost update.
            let stale = try await Self.referent(api, id, "coord", as: "coord", extra: ["expected_version": .number(JSONNumber(version))])
            #expect(stale.status == 409, "\(stale.json)")
            let changed = try await Self.referent(api, id, "coord", as: "coord",
                                                  extra: ["note": "la cellule est saturée", "expected_version": .number(JSONNumber(version + 1))])
            #expect(changed.status == 200 && changed["referent.agent"] == "coord", "\(changed.json)")
            // A case with a referent cannot be taken by another agent.
            let taken2 = try await Self.referent(api, id, "cellule", as: "cellule")
            #expect(taken2.status == 409 && taken2["code"] == "referent-taken", "\(taken2.json)")
            let cleared = try await Self.referent(api, id, .null, as: "coord")
            #expect(cleared.status == 200 && cleared["referent"] == .null, "\(cleared.json)")
            // A body without 'agent' is malformed; another case's agency never knows it.
            let malformed = try await api.send(.put, "/api/v1/cases/\(id)/referent", as: "coord", json: ["note": "x"])
            #expect(malformed.status == 400)
            #expect(try await Self.referent(api, id, "mairie", as: "mairie").status == 404)

            // Every change is in the history, from whom to whom, and in the access journal.
            let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "sre")
            let lines = (history["items"]?.arrayValue ?? history.json.arrayValue ?? []).filter { $0.value(at: "event") == "referent" }
            #expect(lines.map { $0.value(at: "name") ?? .null } == ["cellule", "coord", .null], "\(history.json)")
            #expect(lines.map { $0.value(at: "actor") ?? .null } == ["agent:cellule", "agent:coord", "agent:coord"])
            #expect(lines[1].value(at: "context.from") == "cellule" && lines[1].value(at: "context.to") == "coord")
            #expect(lines[1].value(at: "note") == "la cellule est saturée", "the reason is read by every agency: sre reads it")
            let journal = try await AccessJournal(harness.database).entries(UUID(uuidString: id)!)
                .filter { $0.kind == "change" && $0.via == ReferentRoutes.route }
            #expect(journal.count == 3, "\(journal.map(\.via))")
        }
    }

    @Test("the referent's inbox section: a retirement waiting on three bodies, whose move in each and the open escalation, without a task of their role")
    func referentInbox() async throws {
        let harness = try await APIHarness.make("referent-inbox")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await WebCasePagesTests.caseWithTracks(api)
            #expect(try await Self.referent(api, id, "cellule", as: "coord").status == 200)
            let listed = try await api.send(.get, "/api/v1/referred", as: "cellule")
            #expect(listed.status == 200, "\(listed.json)")
            let items = listed["items"]?.arrayValue ?? []
            #expect(items.count == 1 && items.first?.value(at: "case")?.stringValue == id, "\(listed.json)")
            let item = try #require(items.first)
            let parties = (item.value(at: "parts")?.arrayValue ?? []).compactMap { $0.value(at: "waiting_on")?.stringValue }
            for body in ["sre", "cnracl", "ircantec"] { #expect(parties.contains(body), "\(body) in \(parties)") }
            #expect(item.value(at: "escalations")?.arrayValue?.isEmpty == true)
            #expect(item.value(at: "summary")?.objectValue?["usager.nom"] != nil, "who the case is about, as the referent may see it: \(item)")
            // Their role has no task on the case: the section is what shows it to them.
            let tasks = try await api.send(.get, "/api/v1/tasks", as: "cellule")
            #expect(tasks["items"]?.arrayValue?.contains { $0.value(at: "case")?.stringValue == id } == false)

            // An escalation is shown to the referent too, and stays in its queue.
            let raised = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "sre", json: ["raise": "agent-raised", "track": "sre", "note": "pièce manquante"])
            #expect(raised.status == 200, "\(raised.json)")
            let after = try await api.send(.get, "/api/v1/referred", as: "cellule")
            let escalations = after["items"]?.arrayValue?.first?.value(at: "escalations")?.arrayValue ?? []
            #expect(escalations.count == 1 && escalations.first?.value(at: "reason") == "agent-raised", "\(after.json)")
            let shown = try await api.send(.get, "/api/v1/cases/\(id)", as: "coord")
            #expect(shown["tasks"]?.arrayValue?.filter { $0.value(at: "kind") == "escalation" }.count == 1, "one escalation, in its queue")

            // Nobody else has it in their section.
            for agent in ["coord", "rh", "sre"] {
                #expect(try await api.send(.get, "/api/v1/referred", as: agent)["items"]?.arrayValue?.isEmpty == true, "\(agent)")
            }
        }
    }

    @Test("the referent writes notes every agency reads, reads the agencies' notes, never a note kept to a role nor a field their role may not see")
    func referentReadsWhatTheirRoleMay() async throws {
        let harness = try await APIHarness.make("referent-fields")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await APIAccessTests.invalidityCase(api)
            #expect(try await Self.referent(api, id, "cellule", as: "cellule").status == 200)
            // The referent's note goes to every agency by default.
            let noted = try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "cellule", json: ["text": "j'ai appelé la CNRACL"])
            #expect(noted.status == 201)
            let sreHistory = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "sre").json.serialized()
            #expect(sreHistory.contains("j'ai appelé la CNRACL"), "every agency reads the referent's note")
            // A note of the SRE for its agency is read by the referent (not by another armees agent);
            // a note kept to the medical adviser's role is not.
            #expect(try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "sre", json: ["text": "pension SRE calculée"]).status == 201)
            #expect(try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "medecin",
                                       json: ["text": "séquelles lourdes", "note_visible_to": ["role:medecin-conseil"]]).status == 201)
            let referentHistory = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "cellule").json.serialized()
            #expect(referentHistory.contains("pension SRE calculée"))
            #expect(!referentHistory.contains("séquelles lourdes"))
            let rhHistory = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "rh").json.serialized()
            #expect(!rhHistory.contains("pension SRE calculée"), "only the referent reads across agencies")
            // The medical data stays with the medical adviser: in the case, its history, the section.
            let shown = try await api.send(.get, "/api/v1/cases/\(id)", as: "cellule")
            #expect(shown["data.sante.taux_invalidite"] == nil && shown["data.sante.rapport_medical"] == nil && shown["data.usager.nom"] != nil,
                    "\(shown["data"]?.serialized() ?? "")")
            #expect(!referentHistory.contains("taux_invalidite") && !referentHistory.contains("rapport"))
            let section = try await api.send(.get, "/api/v1/referred", as: "cellule").json.serialized()
            #expect(section.contains(id) && !section.contains("taux_invalidite"))
        }
    }

    @Test("the supervisors' report: cases without a referent by workflow and age, and each referent's load")
    func supervisionReport() async throws {
        let harness = try await APIHarness.make("referent-report")
        defer { harness.database.close() }
        try await harness.run { api in
            let first = try await WebCasePagesTests.caseWithTracks(api)
            _ = try await WebCasePagesTests.caseWithTracks(api)
            #expect(try await Self.referent(api, first, "cellule", as: "coord").status == 200)
            let report = try await api.send(.get, "/api/v1/supervision/referents", as: "coord")
            #expect(report.status == 200, "\(report.json)")
            let unassigned = report["without_referent"]?.arrayValue?.first { $0.value(at: "workflow") == "retraite-multi-statuts" }
            #expect(unassigned?.value(at: "count")?.numberValue?.int == 1 && unassigned?.value(at: "under_7_days")?.numberValue?.int == 1,
                    "\(report.json)")
            #expect(report["load"]?.arrayValue == [["agent": "cellule", "agency": "armees", "open": 1, "escalated": 0]], "\(report.json)")
            #expect(try await api.send(.get, "/api/v1/supervision/referents", as: "rh").status == 403)
        }
    }

    @Test("the portal shows the referent as the workflow lets it, and the agency to contact")
    func portalView() async throws {
        let (harness, token) = try await APIPortalTests.portalHarness("referent-portal")
        defer { harness.database.close() }
        try await harness.run { api in
            let alice = APIPortalTests.person("alice")
            let created = try await api.send(.post, "/api/v1/portal/cases", as: token, json: [
                "workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")], headers: alice)
            let id = try #require(created["id"]?.stringValue, "\(created.json)")
            let before = try await api.send(.get, "/api/v1/portal/cases/\(id)", as: token, headers: alice)
            #expect(before["referent"] == .null)
            #expect(try await Self.referent(api, id, "cellule", as: "coord").status == 200)
            let shown = try await api.send(.get, "/api/v1/portal/cases/\(id)", as: token, headers: alice)
            // shown_to_citizen: agency — the administration, never the agent.
            #expect(shown["referent.agency"] == "armees" && shown["referent.name"] == nil, "\(shown.json)")
            #expect(shown["contact.agency"] == "armees" && shown["contact.agency_name"]?.stringValue?.contains("Armées") == true)
            #expect(!shown.text.contains("cellule"), "the agent's id is not the person's to know here")
            // The portal may not name a referent.
            #expect(try await api.send(.put, "/api/v1/cases/\(id)/referent", as: token, json: ["agent": "cellule"], headers: alice).status == 403)

            // name and none, as another workflow would say.
            let reading = try await harness.services.door.read(UUID(uuidString: id)!, by: .operatorUser("test", via: "test"))
            var named = reading
            var definition = reading.definition
            definition.referent = ReferentDefinition(roles: nil, selfAssign: false, shownToCitizen: .name)
            named.rules = CaseRules(reading.rules.caller, definition: definition)
            #expect(PortalView.json(named).value(at: "referent.name") == "cellule")
            definition.referent = ReferentDefinition(shownToCitizen: .none)
            named.rules = CaseRules(reading.rules.caller, definition: definition)
            let hidden = PortalView.json(named)
            #expect(hidden.value(at: "referent") == .null && !hidden.serialized().contains("cellule"))
        }
    }

    @Test("pages: a supervisor names the referent from the case page, an agent takes a case, the referent's inbox section shows it")
    func pages() async throws {
        let harness = try await APIHarness.make("referent-pages")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await WebCasePagesTests.caseWithTracks(api)
            let other = try await WebCasePagesTests.caseWithTracks(api)
            let coord = try await WebBrowser.signedIn(api, as: "coord")
            let page = try await coord.get("/cases/\(id)")
            #expect(page.contains("id=\"referent-form\"") && page.contains("<option value=\"cellule\">"), "\(page.html)")
            #expect(!page.contains("<option value=\"rh\">"), "an agent of no referent role is not offered")
            let version = try #require(page.value(after: "name=\"expected_version\" value=\""))
            let named = try await coord.post("/cases/\(id)/referent", ["agent": "cellule", "note": "suivi par la cellule", "expected_version": version])
            #expect(named.status == 303 && named.location == "/cases/\(id)?done=referent", "\(named.status) \(named.html.prefix(300))")
            let after = try await coord.get("/cases/\(id)")
            #expect(after.contains("data-agent=\"cellule\"") && after.contains("data-kind=\"referent\""))
            // A refusal is shown in the page: the agent named holds no referent role.
            let fresh = try #require(after.value(after: "name=\"expected_version\" value=\""))
            let refused = try await coord.post("/cases/\(id)/referent", ["agent": "rh", "expected_version": fresh])
            #expect(refused.status == 422 && refused.contains("id=\"referent-refusal\""), "\(refused.status)")

            // The cell's agent (no supervisor) may take the other case; not name anyone.
            let cellule = try await WebBrowser.signedIn(api, as: "cellule")
            let otherPage = try await cellule.get("/cases/\(other)")
            #expect(otherPage.contains("id=\"referent-take\"") && !otherPage.contains("id=\"referent-form\""))
            let otherVersion = try #require(otherPage.value(after: "name=\"expected_version\" value=\""))
            let took = try await cellule.post("/cases/\(other)/referent", ["take": "yes", "expected_version": otherVersion])
            #expect(took.status == 303, "\(took.status)")
            let inbox = try await cellule.get("/inbox")
            #expect(inbox.contains("id=\"inbox-referred\"") && inbox.contains("<tr data-case=\"\(id)\"") && inbox.contains("<tr data-case=\"\(other)\""))
            for body in ["sre", "cnracl", "ircantec"] { #expect(inbox.contains("data-party=\"\(body)\""), "\(body)") }
            // The supervision page says who answers for the cases.
            let supervision = try await coord.get("/supervision")
            #expect(supervision.contains("<tr data-agent=\"cellule\"><td>cellule") && supervision.contains("id=\"unassigned\""), "\(supervision.status)")
            #expect(!supervision.contains("<tr data-workflow=\"retraite-multi-statuts\">"), "both open cases have a referent")
            // rh sees no referent form, and its inbox has no referent row.
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            #expect(!(try await rh.get("/cases/\(id)").contains("id=\"referent-")))
            #expect(try await rh.get("/inbox").contains("table id=\"referred\"") == false)
        }
    }

    @Test("a change of referent costs four statements (token, the agent named, case, write) and moves only the version and the history")
    func aChangeOfTheCase() async throws {
        let counter = StatementCounter()
        let harness = try await APIHarness.make("referent-trips", logger: counter.logger)
        defer { harness.database.close() }
        try await harness.run { api in
            // A first change warms the pool and the catalog, as a running server has them.
            let warm = try await WebCasePagesTests.caseWithTracks(api)
            #expect(try await Self.referent(api, warm, "cellule", as: "coord").status == 200)
            let id = try await WebCasePagesTests.caseWithTracks(api)
            let before = try await api.send(.get, "/api/v1/cases/\(id)", as: "coord")
            var after: APIResponse?
            let statements = try await counter.statements {
                after = try await Self.referent(api, id, "cellule", as: "coord")
            }
            let changed = try #require(after)
            #expect(changed.status == 200)
            #expect(statements > 0 && statements <= 4, "a change of referent sent \(statements) statements")
            #expect(changed["version"]?.numberValue?.int == (before["version"]?.numberValue?.int ?? 0) + 1)
            for key in ["state", "whose_move", "tracks", "tasks", "deadlines", "last_event_at", "entered_state_at", "data"] {
                #expect(changed[key] == before[key], "a change of referent moved '\(key)'")
            }
            let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "coord")
            #expect(history["items"]?.arrayValue?.last?.value(at: "event") == "referent")
            // A closed case keeps its referent and takes no new one.
            let withdrawn = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "coord", json: ["action": "desistement", "note": "courrier de l'agent"])
            #expect(withdrawn["status"] == "closed", "\(withdrawn.json)")
            let closed = try await Self.referent(api, id, "coord", as: "coord")
            #expect(closed.status == 422 && closed["code"] == "case-closed" && closed["detail"]?.stringValue?.contains("no new referent") == true,
                    "\(closed.json)")
            #expect(try await api.send(.get, "/api/v1/referred", as: "cellule")["items"]?.arrayValue?.count == 1, "only the open case is listed")
        }
    }

    @Test("after review: an unknown agent is told only to one who may act, a stale version is a conflict even unchanged, a revoked referent leaves the case to be taken")
    func reviewedRules() async throws {
        let harness = try await APIHarness.make("referent-reviewed")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await WebCasePagesTests.caseWithTracks(api)
            // Another agency's agent learns nothing about which agent ids exist.
            let probe = try await Self.referent(api, id, "personne", as: "sre")
            #expect(probe.status == 403, "an agent who may not name anyone is told so, not whether the id exists: \(probe.json)")
            let outsider = try await Self.referent(api, id, "personne", as: "stranger")
            #expect(outsider.status == 404, "\(outsider.json)")
            let unknownCase = try await Self.referent(api, UUID().uuidString.lowercased(), "personne", as: "coord")
            #expect(unknownCase.status == 404, "\(unknownCase.json)")
            // The same referent with a stale version: a conflict, as for any change.
            let named = try await Self.referent(api, id, "cellule", as: "coord")
            let version = try #require(named["version"]?.numberValue?.int)
            let stale = try await Self.referent(api, id, "cellule", as: "coord", extra: ["expected_version": .number(JSONNumber(version - 1))])
            #expect(stale.status == 409, "\(stale.json)")
            // The referent is revoked: the case counts as without one, and may be taken.
            _ = try await AgentStore(harness.database).revoke(id: "cellule")
            let report = try await api.send(.get, "/api/v1/supervision/referents", as: "coord")
            let unassigned = report["without_referent"]?.arrayValue?.first { $0.value(at: "workflow") == "retraite-multi-statuts" }
            #expect(unassigned?.value(at: "count")?.numberValue?.int ?? 0 >= 1, "\(report.json)")
            #expect(!(report["load"]?.arrayValue ?? []).contains { $0.value(at: "agent") == "cellule" })
            let (_, token) = try await AgentStore(harness.database).add(id: "cellule2", agency: "armees", roles: ["coordinateur-retraite"])
            let taken = try await api.send(.put, "/api/v1/cases/\(id)/referent", as: token, json: ["agent": "cellule2"])
            #expect(taken.status == 200 && taken["referent.agent"] == "cellule2", "\(taken.json)")
        }
    }
}
