import Foundation
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The pages speak people's words: a case's `summary` in lists (to those who may see its
/// fields, and journaled), field and action labels instead of ids.
@Suite("Web pages: people's words")
struct WebPeoplesWordsTests {
    /// One queue worked by two roles of one agency; the name is for one of them only.
    static let workflow = """
        id: mots-des-gens
        version: 1
        title: Mots des gens
        agencies:
          armees: { name: Armées }
        roles:
          gestionnaire-rh: { agency: armees }
          coordinateur-retraite: { agency: armees }
        queues:
          accueil: { role: [gestionnaire-rh, coordinateur-retraite], sla: 5d }
        fields:
          usager.nom: { type: string, label: "Nom de naissance", visible_to: ["role:gestionnaire-rh"] }
          dossier.numero: { type: string, label: "Numéro du dossier" }
          dossier.montant: { type: decimal, label: "Montant accordé" }
        summary: [usager.nom, dossier.numero]
        escalation: { queue: accueil }
        start: examen
        states:
          examen:
            queue: accueil
            on:
              accorder: { to: accorde, label: "Accorder la demande", requires: [dossier.montant] }
          accorde: { final: true, outcome: accepted }
        """

    static func publishedCase(_ harness: APIHarness, _ api: APIClient) async throws -> String {
        _ = try await WorkflowRepository(harness.database).publish(source: workflow, publishedBy: "cli:test")
        let created = try await api.send(.post, "/api/v1/cases", as: "rh", json: [
            "workflow": "mots-des-gens", "data": ["usager": ["nom": "Castelnau"], "dossier": ["numero": "D-2026-0042"]]])
        return try #require(created["id"]?.stringValue)
    }

    @Test("the inbox and the case list show the summary to who may see it, and journal it; not to who may not")
    func summaryInLists() async throws {
        let harness = try await APIHarness.make("web-peoples-words")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.publishedCase(harness, api)
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let cellule = try await WebBrowser.signedIn(api, as: "cellule")
            for page in ["/inbox", "/cases"] {
                let seen = try await rh.get(page)
                #expect(seen.contains("data-case=\"\(id)\"") && seen.contains("Castelnau") && seen.contains("D-2026-0042"), "\(page) for rh")
                let hidden = try await cellule.get(page)
                #expect(hidden.contains("data-case=\"\(id)\"") && hidden.contains("D-2026-0042"), "\(page) for cellule")
                #expect(!hidden.contains("Castelnau") && !hidden.contains("Nom de naissance"), "\(page) shows cellule a field it may not see")
            }
            let journal = try await AccessJournal(harness.database).entries(UUID(uuidString: id)!)
            let inboxReads = journal.filter { $0.via == "GET /inbox" && $0.actor == "agent:rh" }
            #expect(!inboxReads.isEmpty && inboxReads.allSatisfy { $0.fields == ["dossier.numero", "usager.nom"] }, "\(inboxReads)")
            let listReads = journal.filter { $0.via == "GET /cases (page)" }
            #expect(listReads.first { $0.actor == "agent:rh" }?.fields == ["dossier.numero", "usager.nom"])
            #expect(listReads.first { $0.actor == "agent:cellule" }?.fields == ["dossier.numero"])
            // The API's lists carry the same summary, filtered the same way.
            let tasks = try await api.send(.get, "/api/v1/tasks", as: "cellule")
            let task = try #require(tasks["items"]?.arrayValue?.first { $0.value(at: "case")?.stringValue == id })
            #expect(task.value(at: "summary") == .object(["dossier.numero": "D-2026-0042"]))
            let cases = try await api.send(.get, "/api/v1/cases?workflow=mots-des-gens", as: "rh")
            #expect(cases["items"]?.arrayValue?.first?.value(at: "summary")?.objectValue?["usager.nom"] == .string("Castelnau"))
        }
    }

    @Test("the case page names fields and actions by their labels, in its header and refusals too")
    func labelsOnCasePage() async throws {
        let harness = try await APIHarness.make("web-peoples-labels")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.publishedCase(harness, api)
            let rh = try await WebBrowser.signedIn(api, as: "rh")
            let page = try await rh.get("/cases/\(id)")
            #expect(page.contains("id=\"case-people\"") && page.contains("Castelnau"))
            #expect(page.contains("<dt>Numéro du dossier</dt>") && !page.contains("<dt>numero</dt>"))
            #expect(page.contains("Accorder la demande") && page.contains("Montant accordé"))
            // The engine refuses the action without the amount; the page says the field's label.
            // Granting ends the case: the page's confirmation is ticked, the amount is missing.
            let refused = try await rh.post("/cases/\(id)/actions", ["action": "accorder", "confirm": "yes",
                                                                     "expected_version": page.hidden("expected_version") ?? "1"])
            let refusal = try #require(refused.refusal)
            #expect(refusal.contains("Montant accordé") && !refusal.contains("dossier.montant"), "\(refusal)")
            let cellule = try await WebBrowser.signedIn(api, as: "cellule")
            let other = try await cellule.get("/cases/\(id)")
            #expect(other.contains("D-2026-0042") && !other.contains("Castelnau"))
            // The examples carry labels: the retirement case shows "Date de naissance", not its id.
            let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                             json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
            let retraite = try await rh.get("/cases/\(try #require(created["id"]?.stringValue))")
            #expect(retraite.contains("<dt>Date de naissance</dt>") && retraite.contains("Déposer la demande"))
        }
    }
}
