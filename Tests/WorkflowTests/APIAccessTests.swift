import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import Workflow
@testable import WorkflowServer

/// Who sees and does what through the API, on the examples: agents of each agency and role,
/// an agent of an agency the workflow does not involve, a designer.
@Suite("API: who sees and does what")
struct APIAccessTests {
    /// A retirement case for invalidity, with the medical data only the medical adviser may see.
    static func invalidityCase(_ api: APIClient) async throws -> String {
        var data = try APICaseFlowTests.example("retraite")
        try data.setValue("invalidite", at: "retraite.motif")
        let created = try await api.send(.post, "/api/v1/cases", as: "rh", json: ["workflow": "retraite-multi-statuts", "data": data])
        let id = try #require(created["id"]?.stringValue)
        let moved = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                       json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
        #expect(moved["state"] == "expertise-medicale")
        let avis = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "medecin", json: [
            "action": "rendre-avis", "note": "taux retenu après examen",
            "data": ["sante": ["taux_invalidite": 62, "rapport_medical": EngineFixtures.document("rapport", issuer: "armees")]],
        ])
        #expect(avis.status == 200, "\(avis.json)")
        return id
    }

    @Test("a case is known only to agents of the workflow's agencies holding one of its roles there")
    func whoKnowsTheCase() async throws {
        let harness = try await APIHarness.make("api-access-know")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.invalidityCase(api)
            let expected: [String: Int] = ["rh": 200, "coord": 200, "medecin": 200, "sre": 200, "cnracl": 200,
                                           "mairie": 404, "designer": 404, "stranger": 404]
            for (agent, status) in expected {
                let shown = try await api.send(.get, "/api/v1/cases/\(id)", as: agent)
                #expect(shown.status == status, "\(agent) reading the case")
                let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: agent)
                #expect(history.status == status, "\(agent) reading the history")
                let listed = try await api.send(.get, "/api/v1/cases?workflow=retraite-multi-statuts", as: agent)
                let ids = listed["items"]?.arrayValue?.compactMap { $0.value(at: "id")?.stringValue } ?? []
                #expect(ids.contains(id) == (status == 200), "\(agent) listing cases")
                let note = try await api.send(.post, "/api/v1/cases/\(id)/notes", as: agent, json: ["text": "vu"])
                #expect(note.status == (status == 200 ? 201 : 404), "\(agent) writing a note")
            }
            // Another agency's role of the same name gains nothing.
            #expect(try await api.send(.get, "/api/v1/tasks?queue=rh-carriere", as: "stranger").status == 403)
        }
    }

    @Test("medical data is seen by the medical adviser alone: in the case, its history, its search and its refusals")
    func fieldsFilteredEverywhere() async throws {
        let harness = try await APIHarness.make("api-access-fields")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try await Self.invalidityCase(api)
            for agent in ["rh", "coord", "medecin", "sre", "cnracl"] {
                let seesHealth = agent == "medecin"
                let shown = try await api.send(.get, "/api/v1/cases/\(id)", as: agent)
                #expect((shown["data.sante.taux_invalidite"] != nil) == seesHealth, "\(agent): \(shown["data"]?.serialized() ?? "")")
                #expect(shown["data.usager.nom"] != nil, "\(agent) should see the name")
                let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: agent)
                let text = history.json.serialized()
                #expect(text.contains("taux_invalidite") == seesHealth, "\(agent) history leaks or lacks the health data")
                // Searching on a hidden field's value (the report's name) finds nothing; on a visible one, the case.
                let byRate = try await api.send(.get, "/api/v1/cases?q=rapport.pdf", as: agent)
                let found = byRate["items"]?.arrayValue?.contains { $0.value(at: "id")?.stringValue == id } ?? false
                #expect(found == seesHealth, "\(agent) searching on the medical report")
                let byName = try await api.send(.get, "/api/v1/cases?q=lef%C3%A8vre", as: agent)
                #expect(byName["items"]?.arrayValue?.contains { $0.value(at: "id")?.stringValue == id } == true, "\(agent) by name")
            }
            // A correction of a hidden field by someone who may not edit it: refused without naming it.
            let refused = try await api.send(.patch, "/api/v1/cases/\(id)/data", as: "rh", json: ["data": ["sante": ["taux_invalidite": 10]]])
            #expect([403, 422].contains(refused.status))
            #expect(refused.json.serialized().contains("taux_invalidite") == false, "\(refused.json)")
            // Sending the value it holds is refused the same way: no guessing a hidden value.
            let guess = try await api.send(.patch, "/api/v1/cases/\(id)/data", as: "rh", json: ["data": ["sante": ["taux_invalidite": 62]]])
            #expect(guess.status == refused.status && guess["detail"] == refused["detail"])
            let allowed = try await api.send(.patch, "/api/v1/cases/\(id)/data", as: "medecin",
                                             json: ["data": ["sante": ["taux_invalidite": 64]], "note": "erreur de saisie"])
            #expect(allowed.status == 200 && allowed["data.sante.taux_invalidite"] == 64)
        }
    }

    @Test("actions follow 'by' and the queues: the SRE validates its part, the ministry does not; inboxes show only one's queues")
    func whoActs() async throws {
        let harness = try await APIHarness.make("api-access-act")
        defer { harness.database.close() }
        try await harness.run { api in
            let created = try await api.send(.post, "/api/v1/cases", as: "sre",
                                             json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
            let id = try #require(created["id"]?.stringValue)
            _ = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                   json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
            let shownToSRE = try await api.send(.get, "/api/v1/cases/\(id)", as: "sre")
            #expect(shownToSRE["actions"]?.arrayValue?.contains(["action": "valider-part", "track": "sre", "label": "Valider la part SRE"]) == true)
            let shownToRH = try await api.send(.get, "/api/v1/cases/\(id)", as: "rh")
            #expect(shownToRH["actions"]?.arrayValue?.contains { $0.value(at: "action") == "valider-part" && $0.value(at: "track") == "sre" } == false)
            let byRH = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh", json: ["action": "valider-part", "track": "sre"])
            #expect(byRH.status == 403 && byRH["code"] == "role-not-allowed")
            // Nor write the SRE's figures.
            let figures = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                             json: ["action": "valider-part", "track": "sre", "data": try APICaseFlowTests.example("retraite-sre")])
            #expect(figures.status == 403 && figures["field"] == "pension.sre.montant")
            let sreInbox = try await api.send(.get, "/api/v1/tasks", as: "sre")
            let queues = Set(sreInbox["items"]?.arrayValue?.compactMap { $0.value(at: "queue")?.stringValue } ?? [])
            #expect(queues == ["instruction-sre"])
            let rhInbox = try await api.send(.get, "/api/v1/tasks", as: "rh")
            let task = try #require(rhInbox["items"]?.arrayValue?.first { $0.value(at: "case")?.stringValue == id })
            let taskID = try #require(task.value(at: "id")?.stringValue)
            #expect(try await api.send(.post, "/api/v1/tasks/\(taskID)/claim", as: "sre").status == 403)
            let assigned = try await api.send(.post, "/api/v1/tasks/\(taskID)/assign", as: "rh", json: ["agent": "sre"])
            #expect(assigned.status == 422 && assigned["pointer"] == "/agent")
            #expect(try await api.send(.post, "/api/v1/tasks/\(taskID)/claim", as: "rh")["assignee"] == "agent:rh")
            // An agent of another queue may not resolve (nor evaluate) a task it does not work.
            #expect(try await api.send(.post, "/api/v1/tasks/\(taskID)/resolve", as: "sre", json: ["evaluate": true]).status == 403)
            // A task on a case an outsider may not know is simply not found, the case unnamed.
            let hidden = try await api.send(.post, "/api/v1/tasks/\(taskID)/claim", as: "mairie")
            #expect(hidden.status == 404 && hidden.json.serialized().contains(id) == false)
        }
    }
}
