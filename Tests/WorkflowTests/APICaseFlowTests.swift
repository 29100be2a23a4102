import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import Workflow
@testable import WorkflowServer

/// A retirement case through the API, as the agents of each agency would move it, with the
/// refusals and the escalation they would meet.
@Suite("API: a case from counter to escalation")
struct APICaseFlowTests {
    static func example(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: Repository.file("docs/examples/\(name).json")))
    }

    @Test("agents of three agencies move a retirement case along its tracks; a refusal, a conflict, an escalation resolved")
    func retirement() async throws {
        let harness = try await APIHarness.make("api-flow")
        defer { harness.database.close() }
        let retraite = try Self.example("retraite")
        let depot = try Self.example("retraite-depot")
        let sre = try Self.example("retraite-sre")
        let carriere = try Self.example("retraite-carriere")
        try await harness.run { api in
            let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                             json: ["workflow": "retraite-multi-statuts", "data": retraite])
            #expect(created.status == 201)
            let id = try #require(created["id"]?.stringValue)
            #expect(created.headers[.location] == "/api/v1/cases/\(id)")
            #expect(created["state"] == "depot" && created["version"] == 1)

            var moved = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                           json: ["action": "deposer", "data": depot, "expected_version": 1])
            #expect(moved.status == 200 && moved["state"] == "instruction-parts")
            #expect(moved["tracks"]?.arrayValue?.count == 4)

            // The SRE's part: its agent, its data; without the data, a refusal naming the field.
            let refused = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "sre",
                                             json: ["action": "valider-part", "track": "sre"])
            #expect(refused.status == 422 && refused["code"] == "required-field-missing")
            #expect(refused["field"] == "pension.sre.montant")
            let version = try #require(moved["version"]?.numberValue?.int)

            // An agent of the CNRACL may not validate the SRE's part.
            let forbidden = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "cnracl",
                                               json: ["action": "valider-part", "track": "sre", "data": sre])
            #expect(forbidden.status == 403)

            // Two agents of two bodies act on the same version at once: one wins, the other gets 409.
            async let first = api.send(.post, "/api/v1/cases/\(id)/events", as: "sre",
                                       json: ["action": "valider-part", "track": "sre", "data": sre,
                                              "expected_version": .number(JSONNumber(version))])
            async let second = api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                        json: ["action": "valider-part", "track": "carriere", "data": carriere,
                                               "expected_version": .number(JSONNumber(version))])
            let (a, b) = try await (first, second)
            #expect([a.status, b.status].sorted() == [200, 409], "\(a.json) \(b.json)")
            #expect(try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh", json: ["text": "dossier complet"]).status == 201)

            // An agent raises the case; the coordination cell sees it in its inbox and resolves it.
            let raised = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                            json: ["raise": "agent-raised", "note": "relevé de carrière incohérent"])
            #expect(raised.status == 200 && raised["escalated"] == true)
            let inbox = try await api.send(.get, "/api/v1/tasks?kind=escalation", as: "coord")
            let escalation = try #require(inbox["items"]?.arrayValue?.first { $0.value(at: "case")?.stringValue == id })
            let taskID = try #require(escalation.value(at: "id")?.stringValue)
            #expect(try await api.send(.post, "/api/v1/tasks/\(taskID)/claim", as: "coord").status == 200)
            let mine = try await api.send(.get, "/api/v1/tasks?assignee=me", as: "coord")
            #expect(mine["items"]?.arrayValue?.map { $0.value(at: "id")?.stringValue } == [taskID])
            let other = try await api.send(.post, "/api/v1/tasks/\(taskID)/claim", as: "rh")
            #expect([403, 409].contains(other.status))
            let resolved = try await api.send(.post, "/api/v1/tasks/\(taskID)/resolve", as: "coord",
                                              json: ["hand_over": "rh-carriere", "note": "à reprendre par le CMG"])
            #expect(resolved.status == 200)
            let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "coord")
            let events = history["items"]?.arrayValue?.compactMap { $0.value(at: "event")?.stringValue } ?? []
            #expect(events.contains("escalated") && events.contains("handed-over") && events.contains("note"))
        }
    }

    @Test("a stale expected_version is a 409, and the case is unchanged")
    func staleVersion() async throws {
        let harness = try await APIHarness.make("api-stale")
        defer { harness.database.close() }
        let retraite = try Self.example("retraite")
        try await harness.run { api in
            let created = try await api.send(.post, "/api/v1/cases", as: "rh", json: ["workflow": "retraite-multi-statuts", "data": retraite])
            let id = try #require(created["id"]?.stringValue)
            _ = try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh", json: ["text": "premier contact"])
            let stale = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                           json: ["action": "desistement", "note": "x", "expected_version": 1])
            #expect(stale.status == 409)
            let after = try await api.send(.get, "/api/v1/cases/\(id)", as: "rh")
            #expect(after["state"] == "depot" && after["version"] == 2)
        }
    }

    @Test("designers validate and publish; others may not publish")
    func workflows() async throws {
        let harness = try await APIHarness.make("api-workflows")
        defer { harness.database.close() }
        try await harness.run { api in
            let bad = try await api.send(.post, "/api/v1/workflows/validate", as: "rh", raw: "id: x\nversion: 1\nstates: {}\n",
                                         contentType: "application/yaml")
            #expect(bad.status == 200 && bad["valid"] == false)
            #expect(bad["diagnostics"]?.arrayValue?.first?.value(at: "line") != nil)
            let source = try String(contentsOf: Repository.file("Tests/WorkflowTests/Fixtures/worker/minuteur.yaml"), encoding: .utf8)
            #expect(try await api.send(.post, "/api/v1/workflows", as: "rh", json: ["source": .string(source)]).status == 403)
            let published = try await api.send(.post, "/api/v1/workflows", as: "designer", json: ["source": .string(source)])
            #expect(published.status == 201 && published["id"] == "minuteur")
            #expect(try await api.send(.post, "/api/v1/workflows", as: "designer", json: ["source": .string(source)]).status == 200)
            let changed = source.replacingOccurrences(of: "delay: 1s", with: "delay: 2s")
            #expect(try await api.send(.post, "/api/v1/workflows", as: "designer", json: ["source": .string(changed)]).status == 409)
            let invalid = try await api.send(.post, "/api/v1/workflows", as: "designer", raw: "id: x\n", contentType: "application/yaml")
            #expect(invalid.status == 422 && invalid["diagnostics"]?.arrayValue?.isEmpty == false)
            let list = try await api.send(.get, "/api/v1/workflows", as: "rh")
            #expect(list["items"]?.arrayValue?.compactMap { $0.value(at: "id")?.stringValue } == ["retraite-multi-statuts"])
            let shown = try await api.send(.get, "/api/v1/workflows/retraite-multi-statuts", as: "rh")
            #expect(shown.status == 200 && shown["your_queues"] == ["rh-carriere"])
            #expect(try await api.send(.get, "/api/v1/workflows/passeport-identite", as: "rh").status == 404)
        }
    }
}
