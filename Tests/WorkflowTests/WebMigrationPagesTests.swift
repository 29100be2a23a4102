import Foundation
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The designer's migration page: a dry run with the diff and a confirm button, then the move;
/// agents who are neither designers nor supervisors are refused.
@Suite("Web: moving cases to another version")
struct WebMigrationPagesTests {
    @Test("a designer runs a dry run (nothing moves), sees the diff, then confirms; an agent is refused")
    func dryRunThenConfirm() async throws {
        let harness = try await APIHarness.make("web-migration")
        defer { harness.database.close() }
        let v2 = try String(contentsOf: Repository.file("docs/examples/retraite-multi-statuts-v2.yaml"), encoding: .utf8)
        try await harness.run { api in
            let data = try APICaseFlowTests.example("retraite")
            let caseID = try #require(try await api.send(.post, "/api/v1/cases", as: "rh",
                                                         json: ["workflow": "retraite-multi-statuts", "data": data])["id"]?.stringValue)
            _ = try await harness.services.repository.publish(source: v2, publishedBy: "cli:test")
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            #expect(try await rh.get("/designer/migrate").status == 403)

            let designer = try await WebBrowser.signedIn(api, as: "designer")
            let version = try await designer.get("/workflows/retraite-multi-statuts/2")
            #expect(version.contains("href=\"/designer/migrate?workflow=retraite-multi-statuts&amp;version=2\""))
            let form = try await designer.get("/designer/migrate?workflow=retraite-multi-statuts&version=2")
            #expect(form.status == 200 && form.contains("id=\"dry-run\""))

            let fields: KeyValuePairs<String, String> = ["workflow": "retraite-multi-statuts", "version": "2",
                                                         "map": "expertise-medicale=avis-medical", "state": ""]
            let dry = try await designer.post("/designer/migrate", fields)
            #expect(dry.status == 200 && dry.contains("id=\"confirm\"") && dry.contains("id=\"diff\""))
            #expect(dry.contains("avis-medical"))
            // In the page's language, in the singular for one case: the counts, the confirm
            // button, the diff's sections and kinds.
            #expect(dry.contains("serait déplacé<") || dry.contains("s&#39;accorde et serait déplacé"))
            #expect(dry.contains("(1 dossier en cours à examiner)") && !dry.contains("1 dossiers"))
            #expect(dry.contains("<em>états</em>") && dry.contains("(ajouté)") && !dry.contains("(added)"))
            #expect(try await api.send(.get, "/api/v1/cases/\(caseID)", as: "rh")["workflow_version"]?.numberValue?.int == 1)

            let done = try await designer.post("/designer/migrate", ["workflow": "retraite-multi-statuts", "version": "2",
                                                                    "map": "expertise-medicale=avis-medical", "state": "", "confirm": "1"])
            #expect(done.status == 200 && !done.contains("id=\"confirm\""))
            #expect(try await api.send(.get, "/api/v1/cases/\(caseID)", as: "rh")["workflow_version"]?.numberValue?.int == 2)
            // The case's timeline says the move in words, with the versions.
            let sheet = try await rh.get("/cases/\(caseID)")
            #expect(sheet.contains("Passage à une autre version") && sheet.contains("version 1 → 2"))

            let bad = try await designer.post("/designer/migrate", ["workflow": "retraite-multi-statuts", "version": "2",
                                                                   "map": "expertise-medicale=nulle-part", "state": ""])
            #expect(bad.status == 400 && bad.contains("nulle-part"))

            // Every problem at once (the version, the mapping it could not read, one it could,
            // the state), each said once.
            let many = try await designer.post("/designer/migrate", ["workflow": "retraite-multi-statuts", "version": "9",
                                                                    "map": "bad\ninconnu=depot", "state": "nulle"])
            func times(_ text: String) -> Int { many.html.components(separatedBy: text).count - 1 }
            #expect(many.status == 400 && many.contains("4 probl"))
            #expect(times("no version 9") == 1 && times("&#39;bad&#39; is not OLD=NEW") + times("'bad' is not OLD=NEW") == 1)
            #expect(times("is not a state of another version") == 2)
        }
    }

    @Test("a misfit's reasons in the page's words, on the migrate page and on the case page's escalation")
    func misfitInWords() async throws {
        let harness = try await APIHarness.make("web-migration-misfit")
        defer { harness.database.close() }
        let v2 = try String(contentsOf: Repository.file("docs/examples/retraite-multi-statuts-v2.yaml"), encoding: .utf8)
        try await harness.run { api in
            let caseID = try #require(try await api.send(.post, "/api/v1/cases", as: "rh", json: [
                "workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])["id"]?.stringValue)
            _ = try await api.send(.post, "/api/v1/cases/\(caseID)/events", as: "rh",
                                   json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
            _ = try await harness.services.repository.publish(source: v2, publishedBy: "cli:test")
            let designer = try await WebBrowser.signedIn(api, as: "designer")
            let fields: KeyValuePairs<String, String> = ["workflow": "retraite-multi-statuts", "version": "2", "map": "", "state": ""]
            let dry = try await designer.post("/designer/migrate", fields)
            #expect(dry.status == 200 && dry.contains("la branche « ircantec » n&#39;existe plus dans la version 2")
                    || dry.contains("la branche « ircantec » n'existe plus dans la version 2"))
            #expect(dry.contains("(1 dossier en cours à examiner)"))
            _ = try await designer.post("/designer/migrate", ["workflow": "retraite-multi-statuts", "version": "2", "map": "", "state": "",
                                                             "confirm": "1"])
            let cellule = try await WebBrowser.signedIn(api, as: "cellule")
            let sheet = try await cellule.get("/cases/\(caseID)")
            #expect(sheet.contains("accorde pas à la version 2"))
            #expect(sheet.contains("la branche « ircantec »"))
        }
    }
}
