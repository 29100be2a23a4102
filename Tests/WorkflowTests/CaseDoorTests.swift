import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The one door to the cases, as the people who found its defects used it: who may close a
/// case by override, who reads a note, every data error at once, a resolution that must close
/// its task, what the portal may send, and how few statements an action costs.
@Suite("The door to the cases: overrides, notes, data errors, resolutions, the portal, round trips")
struct CaseDoorTests {
    static func example(_ name: String) throws -> JSONValue { try APICaseFlowTests.example(name) }

    /// A retirement case with a status the circuit does not handle: escalated `statut-inconnu`
    /// to the coordination cell once deposited. Returns its id and the escalation's task.
    static func escalatedCase(_ api: APIClient) async throws -> (id: String, task: String) {
        var data = try example("retraite")
        try data.setValue(["autre", "fonctionnaire_etat"], at: "carriere.statuts")
        let created = try await api.send(.post, "/api/v1/cases", as: "rh", json: ["workflow": "retraite-multi-statuts", "data": data])
        let id = try #require(created["id"]?.stringValue)
        let moved = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                       json: ["action": "deposer", "data": try example("retraite-depot")])
        #expect(moved["escalated"] == true, "\(moved.json)")
        let task = try #require(moved["tasks"]?.arrayValue?.first { $0.value(at: "reason") == "statut-inconnu" }?.value(at: "id")?.stringValue)
        return (id, task)
    }

    @Test("an agent of the escalation queue may override to a state where the decision is taken, not close the case; a supervisor may")
    func overrideToFinalIsForSupervisors() async throws {
        let harness = try await APIHarness.make("door-override")
        defer { harness.database.close() }
        try await harness.run { api in
            let (id, task) = try await Self.escalatedCase(api)
            let closing = try await api.send(.post, "/api/v1/tasks/\(task)/resolve", as: "cellule",
                                             json: ["override": ["state": "pension-concedee"], "note": "vu"])
            #expect(closing.status == 403 && closing["code"] == "not-allowed", "\(closing.json)")
            #expect(try await api.send(.get, "/api/v1/cases/\(id)", as: "cellule")["status"] == "open")
            let moving = try await api.send(.post, "/api/v1/tasks/\(task)/resolve", as: "cellule",
                                            json: ["override": ["state": "instruction-parts"], "note": "statut vérifié au dossier papier"])
            #expect(moving.status == 200 && moving["state"] == "instruction-parts", "\(moving.json)")
            let closed = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "coord",
                                            json: ["raise": "agent-raised", "note": "demande retirée par téléphone"])
            let escalation = try #require(closed["tasks"]?.arrayValue?.first { $0.value(at: "reason") == "agent-raised" }?.value(at: "id")?.stringValue)
            let bySupervisor = try await api.send(.post, "/api/v1/tasks/\(escalation)/resolve", as: "coord",
                                                  json: ["override": ["state": "desistement-enregistre"], "note": "désistement écrit reçu"])
            #expect(bySupervisor.status == 200 && bySupervisor["status"] == "closed", "\(bySupervisor.json)")
        }
    }

    @Test("override_by narrows who may override to its roles and supervisors, and names unknown roles with a position")
    func overrideBy() throws {
        let source = try String(contentsOf: Repository.file("workflows/retraite-multi-statuts.yaml"), encoding: .utf8)
        let strict = source.replacingOccurrences(of: "escalation: { queue: cellule-coordination }",
                                                 with: "escalation: { queue: cellule-coordination }\noverride_by: [medecin-conseil]")
        let document = WorkflowDocument.parse(strict)
        #expect(document.isValid, "\(document.diagnostics)")
        let definition = try #require(document.definition)
        let engine = WorkflowEngine(definition: definition)
        let cell = CaseActor(.agent(id: "c", agency: "armees", roles: ["coordinateur-retraite"], supervisor: false))
        let snapshot = CaseSnapshot(id: UUID(), workflowID: definition.id.value, workflowVersion: 1, data: try Self.example("retraite"),
                                    status: .open, state: "depot", tracks: [], waitingOn: "usager", version: 1, tasks: [], timers: [],
                                    createdAt: Date(), enteredStateAt: Date(), lastEventAt: Date())
        guard case .refused(let refusal) = engine.apply(CaseEvent(.override(state: "controle-dossier", track: nil), actor: cell, note: "x"),
                                                        to: snapshot, now: Date()) else {
            Issue.record("the coordination cell overrode although override_by names only medecin-conseil")
            return
        }
        #expect(refusal.code == .notAllowed && refusal.message.contains("medecin-conseil"))
        let typo = WorkflowDocument.parse(strict.replacingOccurrences(of: "override_by: [medecin-conseil]", with: "override_by: [medecin-conseill]"))
        let diagnostic = try #require(typo.diagnostics.first { $0.message.contains("override_by") })
        #expect(diagnostic.message.contains("did you mean 'medecin-conseil'"), "\(diagnostic.message)")
    }

    @Test("an override that would close the case through an automatic state is a supervisor's too")
    func overrideClosingThroughAutoState() throws {
        let document = WorkflowDocument.parse("""
            id: court
            version: 1
            agencies: { mairie: { name: Mairie } }
            roles: { agent: { agency: mairie } }
            queues: { accueil: { role: agent } }
            escalation: { queue: accueil }
            start: accueil
            states:
              accueil:
                queue: accueil
                on:
                  decider: { to: verdict }
              verdict:
                choose:
                  - when: "true"
                    to: fin
                otherwise: { to: fin }
              fin: { final: true, outcome: accepted }
            """)
        let definition = try #require(document.definition, "\(document.diagnostics)")
        let engine = WorkflowEngine(definition: definition)
        let snapshot = CaseSnapshot(id: UUID(), workflowID: "court", workflowVersion: 1, data: .object([:]), status: .open,
                                    state: "accueil", tracks: [], waitingOn: "mairie", version: 1, tasks: [], timers: [],
                                    createdAt: Date(), enteredStateAt: Date(), lastEventAt: Date())
        let agent = CaseActor(.agent(id: "a", agency: "mairie", roles: ["agent"], supervisor: false))
        let chief = CaseActor(.agent(id: "c", agency: "mairie", roles: [], supervisor: true))
        guard case .refused(let refusal) = engine.apply(CaseEvent(.override(state: "verdict", track: nil), actor: agent, note: "x"),
                                                        to: snapshot, now: Date()) else {
            Issue.record("an agent of the escalation queue closed the case through an automatic state")
            return
        }
        #expect(refusal.code == .notAllowed && refusal.message.contains("would close the case"), "\(refusal)")
        guard case .applied(let change) = engine.apply(CaseEvent(.override(state: "verdict", track: nil), actor: chief, note: "x"),
                                                       to: snapshot, now: Date()) else {
            Issue.record("a supervisor could not close the case by override")
            return
        }
        #expect(change.after.status == .closed(outcome: "accepted"))
    }

    @Test("a note is read by its author's agency by default, by whom note_visible_to names, never by the portal")
    func noteVisibility() async throws {
        let harness = try await APIHarness.make("door-notes")
        defer { harness.database.close() }
        try await harness.run { api in
            var data = try Self.example("retraite")
            try data.setValue("invalidite", at: "retraite.motif")
            let created = try await api.send(.post, "/api/v1/cases", as: "rh", json: ["workflow": "retraite-multi-statuts", "data": data])
            let id = try #require(created["id"]?.stringValue)
            let moved = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                           json: ["action": "deposer", "data": try Self.example("retraite-depot")])
            #expect(moved["state"] == "expertise-medicale", "\(moved.json)")
            let report: JSONValue = ["type": "rapport", "issuer": "armees", "name": "avis.pdf", "size": 1000,
                                     "sha256": .string(String(repeating: "ab", count: 32))]
            let opinion = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "medecin", json: [
                "action": "rendre-avis", "note": "Sclérose en plaques, EDSS 6 ; taux 80 %",
                "data": ["sante": ["taux_invalidite": 80, "rapport_medical": report]],
            ])
            #expect(opinion.status == 200, "\(opinion.json)")
            let shared = try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh",
                                            json: ["text": "pièces transmises aux caisses", "note_visible_to": ["all"]])
            #expect(shared.status == 201)
            let unknown = try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh",
                                             json: ["text": "x", "note_visible_to": ["armees", "cnracll"]])
            #expect(unknown.status == 400 && unknown["pointer"] == "/note_visible_to/1", "\(unknown.json)")

            func notes(_ agent: String) async throws -> [String] {
                let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: agent)
                return history["items"]?.arrayValue?.compactMap { $0.value(at: "note")?.stringValue } ?? []
            }
            // A note that becomes an escalation's reason explains the path: every agency reads it,
            // whatever the author asked (the page says so next to such an action's note).
            let lacune = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh", json: [
                "action": "signaler-lacune", "track": "carriere", "note": "trimestres 1998 manquants", "note_visible_to": ["armees"],
            ])
            #expect(lacune.status == 200, "\(lacune.json)")
            let sre = try await notes("sre")
            #expect(sre.contains("trimestres 1998 manquants"), "\(sre)")
            let sreTasks = try await api.send(.get, "/api/v1/cases/\(id)", as: "sre")["tasks"]?.arrayValue ?? []
            #expect(sreTasks.contains { $0.value(at: "context.note") == "trimestres 1998 manquants" })
            #expect(!sre.contains { $0.contains("Sclérose") }, "the SRE read the doctor's note: \(sre)")
            #expect(sre.contains("pièces transmises aux caisses"))
            #expect(try await notes("rh").contains { $0.contains("Sclérose") }, "the doctor's own agency reads it")
            #expect(try await notes("medecin").contains { $0.contains("Sclérose") })
        }
    }

    @Test("every data error at once, each with its pointer; an undeclared field called undeclared; a hidden one not named")
    func dataErrors() async throws {
        let harness = try await APIHarness.make("door-data")
        defer { harness.database.close() }
        try await harness.run { api in
            let created = try await api.send(.post, "/api/v1/cases", as: "rh", json: ["workflow": "retraite-multi-statuts", "data": [
                "usager": ["nir": "123", "nom": "Lefèvre", "date_naissance": "pas une date"],
                "retraite": ["date_depart_souhaitee": "2026-09-01", "motif": "anciennete"],
                "carriere": ["statuts": ["contractuel"]],
            ]])
            #expect(created.status == 422 && created["code"] == "invalid-data", "\(created.json)")
            let pointers = Set(created["errors"]?.arrayValue?.compactMap { $0.value(at: "pointer")?.stringValue } ?? [])
            #expect(pointers == ["/data/usager/nir", "/data/usager/date_naissance"], "\(created.json)")

            let typo = try await api.send(.post, "/api/v1/cases", as: "rh", json: ["workflow": "retraite-multi-statuts", "data": [
                "usager": ["nir": "2620575123456", "nom": "Lefèvre", "date_naissance": "1962-05-10", "prenon": "Anne"],
                "retraite": ["date_depart_souhaitee": "2026-09-01", "motif": "anciennete"],
                "carriere": ["statuts": ["contractuel"]], "sante": ["taux_invalidite": 10],
            ]])
            #expect(typo.status == 403, "\(typo.json)")
            let details = typo["errors"]?.arrayValue?.compactMap { $0.value(at: "detail")?.stringValue } ?? []
            #expect(details.contains("'usager.prenon' is not a field of workflow 'retraite-multi-statuts'"), "\(details)")
            #expect(typo["errors"]?.arrayValue?.contains { $0.value(at: "pointer") == "/data/usager/prenon" } == true)
            #expect(!typo.json.serialized().contains("taux_invalidite"), "a field hidden from the agent was named: \(typo.json)")
        }
    }

    @Test("evaluating again an escalation raised by a person in a parallel state is refused with the reason; the escalation stays")
    func resolutionMustCloseItsTask() async throws {
        let harness = try await APIHarness.make("door-resolve")
        defer { harness.database.close() }
        try await harness.run { api in
            let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                             json: ["workflow": "retraite-multi-statuts", "data": try Self.example("retraite")])
            let id = try #require(created["id"]?.stringValue)
            _ = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                   json: ["action": "deposer", "data": try Self.example("retraite-depot")])
            let raised = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                            json: ["raise": "agent-raised", "track": "carriere", "note": "relevé incohérent"])
            let task = try #require(raised["tasks"]?.arrayValue?.first { $0.value(at: "reason") == "agent-raised" }?.value(at: "id")?.stringValue)
            let evaluated = try await api.send(.post, "/api/v1/tasks/\(task)/resolve", as: "coord", json: ["evaluate": true])
            #expect(evaluated.status == 422 && evaluated["code"] == "task-still-open", "\(evaluated.json)")
            let after = try await api.send(.get, "/api/v1/cases/\(id)", as: "coord")
            #expect(after["tasks"]?.arrayValue?.contains { $0.value(at: "id")?.stringValue == task } == true)
            #expect(after["version"] == raised["version"], "a refused resolution wrote something")
        }
    }

    @Test("the portal sends a field hidden from other agencies that the person provides; a refusal names what is missing")
    func portalFields() async throws {
        let (harness, token) = try await APIPortalTests.portalHarness("door-portal")
        defer { harness.database.close() }
        try await harness.run { api in
            let person = APIPortalTests.person("oidc|anne")
            let created = try await api.send(.post, "/api/v1/portal/cases", as: token,
                                             json: ["workflow": "retraite-multi-statuts", "data": try Self.example("retraite")], headers: person)
            let id = try #require(created["id"]?.stringValue)
            let missing = try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token,
                                             json: ["action": "deposer"], headers: person)
            #expect(missing.status == 422 && missing["detail"] == "missing information: pieces.demande_retraite", "\(missing.json)")
            let certificate: JSONValue = ["type": "certificat", "issuer": "usager", "name": "certificat.pdf", "size": 1200,
                                          "sha256": .string(String(repeating: "cd", count: 32))]
            var depot = try Self.example("retraite-depot")
            try depot.setValue(certificate, at: "sante.rapport_medical")
            let sent = try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token,
                                          json: ["action": "deposer", "data": depot], headers: person)
            #expect(sent.status == 200, "\(sent.json)")
            let adminOnly = try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token,
                                               json: ["action": "deposer", "data": ["pension": ["sre": ["montant": "1"]]]], headers: person)
            #expect(adminOnly.status == 403, "\(adminOnly.json)")
            let doctor = try await api.send(.get, "/api/v1/cases/\(id)", as: "medecin")
            #expect(doctor["data"]?.value(at: "sante.rapport_medical.name") == "certificat.pdf", "\(doctor.json)")
        }
    }

    @Test("an action through the API costs three statements (token, case, write), a creation four; the issue's bound was 8")
    func roundTrips() async throws {
        let counter = StatementCounter()
        let harness = try await APIHarness.make("door-trips", logger: counter.logger)
        defer { harness.database.close() }
        try await harness.run { api in
            let retraite = try Self.example("retraite")
            // A first case and action warm the pool and the catalog, as a running server has them.
            let first = try await api.send(.post, "/api/v1/cases", as: "rh", json: ["workflow": "retraite-multi-statuts", "data": retraite])
            _ = try await api.send(.post, "/api/v1/cases/\(first["id"]?.stringValue ?? "")/events", as: "rh",
                                   json: ["action": "deposer", "data": try Self.example("retraite-depot")])
            var id = ""
            let creation = try await counter.statements {
                let created = try await api.send(.post, "/api/v1/cases", as: "rh", json: ["workflow": "retraite-multi-statuts", "data": retraite])
                #expect(created.status == 201)
                id = created["id"]?.stringValue ?? ""
            }
            let action = try await counter.statements {
                let moved = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                               json: ["action": "deposer", "data": try Self.example("retraite-depot"), "expected_version": 1])
                #expect(moved.status == 200 && moved["state"] == "instruction-parts")
            }
            #expect(creation > 0 && action > 0, "the counter saw no statement: it no longer reads PostgresNIO's messages")
            #expect(creation <= 4, "a creation sent \(creation) statements")
            #expect(action <= 3, "an action sent \(action) statements")
        }
    }
}
