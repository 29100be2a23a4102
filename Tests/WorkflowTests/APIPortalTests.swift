import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The citizen's portal: it acts for the person it names, sees no internal data, never
/// reaches another person's case nor an agent's route; and the access journal it shows.
@Suite("API: the citizen's portal and the access journal")
struct APIPortalTests {
    static func portalHarness(_ name: String) async throws -> (APIHarness, String) {
        let harness = try await APIHarness.make(name)
        let (_, token) = try await AgentStore(harness.database).add(id: "portail", agency: "portail", roles: [], portal: true)
        return (harness, token)
    }

    static func person(_ ref: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("Citizen-Ref")!] = ref
        return fields
    }

    @Test("a citizen creates a case, deposits it, reads where it stands and who read it; nothing internal")
    func citizenJourney() async throws {
        let (harness, token) = try await Self.portalHarness("api-portal")
        defer { harness.database.close() }
        try await harness.run { api in
            let alice = Self.person("oidc|alice")
            let created = try await api.send(.post, "/api/v1/portal/cases", as: token, json: [
                "workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite"),
            ], headers: alice)
            #expect(created.status == 201 && created["waiting_on"] == "usager")
            #expect(created["data"] == nil && created["tasks"] == nil)
            #expect(created["actions"]?.arrayValue?.contains("deposer") == true)
            let id = try #require(created["id"]?.stringValue)
            let deposited = try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token, json: [
                "action": "deposer", "data": try APICaseFlowTests.example("retraite-depot"),
            ], headers: alice)
            #expect(deposited.status == 200 && deposited["waiting_on"] == "administration")
            #expect(deposited["public_label"]?.stringValue?.isEmpty == false)

            // An agent reads the case and writes a note: the citizen sees the read, not the note.
            _ = try await api.send(.get, "/api/v1/cases/\(id)", as: "sre")
            _ = try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh", json: ["text": "appel de l'usager, RAS"])
            let log = try await api.send(.get, "/api/v1/portal/cases/\(id)/access-log", as: token, headers: alice)
            let entries = log["items"]?.arrayValue ?? []
            // The administration by its agency; an agent's own id only where the workflow names
            // the referent to the person (the retirement shows the agency).
            #expect(entries.contains { $0.value(at: "actor") == "agent" && $0.value(at: "agency") == "sre" && $0.value(at: "kind") == "read" })
            #expect(!log.json.serialized().contains("agent:"), "no agent's id")
            #expect(entries.contains { $0.value(at: "actor") == "citizen:oidc|alice" && $0.value(at: "kind") == "change" })
            #expect(!log.json.serialized().contains("RAS"))
            // The administration's fields are not named to the person (the SRE read its own).
            _ = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "sre",
                                   json: ["action": "valider-part", "track": "sre", "data": try APICaseFlowTests.example("retraite-sre")])
            _ = try await api.send(.get, "/api/v1/cases/\(id)", as: "sre")
            let later = try await api.send(.get, "/api/v1/portal/cases/\(id)/access-log", as: token, headers: alice)
            #expect(!later.json.serialized().contains("pension."), "\(later.json)")
            let shown = try await api.send(.get, "/api/v1/portal/cases/\(id)", as: token, headers: alice)
            #expect(!shown.json.serialized().contains("RAS") && shown["data"] == nil)
            let mine = try await api.send(.get, "/api/v1/portal/cases", as: token, headers: alice)
            #expect(mine["items"]?.arrayValue?.count == 1)
            // The citizen withdraws through a global action open to them.
            let withdrawn = try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token,
                                               json: ["action": "desistement", "note": "je reste en poste"], headers: alice)
            #expect(withdrawn["status"] == "closed")
        }
    }

    @Test("a portal token never reaches another person's case, an internal action, or an agent's route")
    func neverAnotherPerson() async throws {
        let (harness, token) = try await Self.portalHarness("api-portal-walls")
        defer { harness.database.close() }
        try await harness.run { api in
            let alice = Self.person("oidc|alice")
            let bob = Self.person("oidc|bob")
            let created = try await api.send(.post, "/api/v1/portal/cases", as: token, json: [
                "workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite"),
            ], headers: alice)
            let id = try #require(created["id"]?.stringValue)
            for (method, uri) in [(HTTPRequest.Method.get, "/api/v1/portal/cases/\(id)"), (.get, "/api/v1/portal/cases/\(id)/access-log")] {
                #expect(try await api.send(method, uri, as: token, headers: bob).status == 404)
            }
            #expect(try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token, json: ["action": "deposer"],
                                       headers: bob).status == 404)
            #expect(try await api.send(.get, "/api/v1/portal/cases", as: token, headers: bob)["items"] == [])
            // An agent's case, created at a counter for nobody, is nobody's on the portal.
            let counter = try await api.send(.post, "/api/v1/cases", as: "rh",
                                             json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
            let other = try #require(counter["id"]?.stringValue)
            #expect(try await api.send(.get, "/api/v1/portal/cases/\(other)", as: token, headers: alice).status == 404)
            // Agent routes refuse the portal, and the portal routes refuse agents.
            for uri in ["/api/v1/cases/\(id)", "/api/v1/cases", "/api/v1/tasks", "/api/v1/cases/\(id)/history", "/api/v1/workflows"] {
                #expect(try await api.send(.get, uri, as: token).status == 403, "\(uri)")
            }
            #expect(try await api.send(.get, "/api/v1/portal/cases", as: "rh", headers: alice).status == 403)
            // The administration's fields are not the person's to write, at creation or with an action.
            var forged = try APICaseFlowTests.example("retraite")
            try forged.setValue("9999", at: "pension.sre.montant")
            let forgedCreate = try await api.send(.post, "/api/v1/portal/cases", as: token,
                                                  json: ["workflow": "retraite-multi-statuts", "data": forged], headers: alice)
            #expect(forgedCreate.status == 403 && forgedCreate["pointer"] == "/data/pension/sre/montant")
            let erase = try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token,
                                           json: ["action": "desistement", "note": "x", "data": ["sante": .null]], headers: alice)
            #expect(erase.status == 403)
            // Without naming the person, nothing.
            #expect(try await api.send(.get, "/api/v1/portal/cases", as: token)["parameter"] == "Citizen-Ref")
            // An action that is not the citizen's: refused, without internal detail.
            _ = try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token,
                                   json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")], headers: alice)
            let agentsAction = try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token,
                                              json: ["action": "valider-part", "data": try APICaseFlowTests.example("retraite-sre")],
                                              headers: alice)
            #expect(agentsAction.status == 403)
        }
    }

    @Test("every read and change is journaled, append-only; supervisors read the journal without hidden field names")
    func journal() async throws {
        let harness = try await APIHarness.make("api-journal")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await APIAccessTests.invalidityCase(api)
            _ = try await api.send(.get, "/api/v1/cases/\(id)", as: "medecin")
            _ = try await api.send(.get, "/api/v1/tasks", as: "rh")
            #expect(try await api.send(.get, "/api/v1/cases/\(id)/access-log", as: "rh").status == 403)
            let log = try await api.send(.get, "/api/v1/cases/\(id)/access-log", as: "coord")
            #expect(log.status == 200)
            let entries = log["items"]?.arrayValue ?? []
            #expect(entries.contains { $0.value(at: "actor") == "agent:medecin" && $0.value(at: "kind") == "read" })
            #expect(entries.contains { $0.value(at: "actor") == "agent:medecin" && $0.value(at: "kind") == "change" })
            #expect(entries.contains { $0.value(at: "actor") == "agent:rh" && $0.value(at: "via") == "GET /api/v1/tasks" },
                    "an inbox read is not journaled")
            #expect(!log.json.serialized().contains("taux_invalidite"), "a supervisor without the medical role sees hidden field names")
        }
        let rows = try await harness.database.client.query(
            "SELECT count(*)::int FROM access_journal WHERE 'sante.taux_invalidite' = ANY(fields)", logger: TestDatabase.logger)
        for try await count in rows.decode(Int.self) { #expect(count >= 2) }
        var refused = false
        do {
            try await harness.database.client.query("DELETE FROM access_journal", logger: TestDatabase.logger)
        } catch {
            refused = true
        }
        #expect(refused, "the journal could be deleted")
    }

    @Test("health says what is wrong; metrics count cases and requests")
    func healthAndMetrics() async throws {
        let harness = try await APIHarness.make("api-health")
        defer { harness.database.close() }
        try await harness.run { api in
            let failing = try await api.client.execute(uri: "/health", method: .get)
            #expect(failing.status == .serviceUnavailable)
            #expect(String(buffer: failing.body).contains("no worker"))
        }
        try await WorkerRegistry(harness.database).register("w1", host: "test", pid: 1, settings: [:])
        try await harness.run(registry: PrometheusCollectorRegistry()) { api in
            let healthy = try await api.client.execute(uri: "/health", method: .get)
            #expect(healthy.status == .ok, "\(String(buffer: healthy.body))")
            _ = try await api.send(.post, "/api/v1/cases", as: "rh",
                                   json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
            let metrics = String(buffer: try await api.client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"parcours_cases{workflow="retraite-multi-statuts",state="depot",status="open"} 1"#), "\(metrics)")
        }
    }
}
