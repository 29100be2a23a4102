import Foundation
import Testing
@testable import Workflow

/// Whose move in parallel work (language brief): every open track's party and every open
/// escalation's queue's agency, in the case, the lists, the reports and their filters.
@Suite("Whose move, in parallel work")
struct WhoseMoveTests {
    @Test("a retirement in parallel tracks is every open track's body's move, the escalation's agency's too, and found by each")
    func parallelRetirement() async throws {
        let harness = try await APIHarness.make("whose-move")
        defer { harness.database.close() }
        try await harness.run { api in
            let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                             json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
            let id = try #require(created["id"]?.stringValue)
            let moved = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                           json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
            let tracks = (moved["tracks"]?.arrayValue ?? []).filter { $0.value(at: "finished")?.boolValue == false }
                .compactMap { $0.value(at: "waiting_on")?.stringValue }
            #expect(tracks.count >= 3, "\(moved.json)")
            #expect(moved["whose_move"]?.arrayValue?.compactMap(\.stringValue) == tracks)
            #expect(moved["waiting_on"] == "engine", "the state's own party stays as it was")

            let raised = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                            json: ["raise": "agent-raised", "note": "relevé incohérent"])
            let parties = raised["whose_move"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let definition = try EngineFixtures.example("retraite-multi-statuts")
            let escalationAgency = try #require(definition.escalationQueue.flatMap { definition.agency(ofQueue: $0.value) })
            #expect(parties == tracks + (tracks.contains(escalationAgency) ? [] : [escalationAgency]), "\(raised.json)")

            for party in parties {
                let stuck = try await api.send(.get, "/api/v1/supervision/stuck?waiting_on=\(party)", as: "coord")
                #expect(stuck["items"]?.arrayValue?.compactMap { $0.value(at: "case")?.stringValue } == [id], "\(party)")
                let listed = try await api.send(.get, "/api/v1/cases?waiting_on=\(party)", as: "coord")
                #expect(listed["items"]?.arrayValue?.compactMap { $0.value(at: "id")?.stringValue }.contains(id) == true, "\(party)")
            }
            let engine = try await api.send(.get, "/api/v1/supervision/stuck?waiting_on=engine", as: "coord")
            #expect(engine["items"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("a closed case waits on nobody")
    func closedWaitsOnNobody() throws {
        let definition = try EngineFixtures.example("retraite-multi-statuts")
        let snapshot = CaseSnapshot(id: UUID(), workflowID: definition.id.value, workflowVersion: 1, data: .object([:]),
                                    status: .closed(outcome: "accepted"), state: "liquidee", tracks: [], waitingOn: "engine", version: 3,
                                    tasks: [], timers: [], createdAt: Date(), enteredStateAt: Date(), lastEventAt: Date())
        #expect(snapshot.whoseMove(in: definition).isEmpty)
    }

    @Test("an agency that works through wait states sees the parts waiting on it, by the API and in its inbox; another agency does not")
    func agencyWaitingWork() async throws {
        let harness = try await APIHarness.make("waiting-work")
        defer { harness.database.close() }
        try await harness.run { api in
            let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                             json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
            let id = try #require(created["id"]?.stringValue)
            _ = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                   json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
            let waiting = try await api.send(.get, "/api/v1/waiting", as: "cnracl")
            #expect(waiting.status == 200, "\(waiting.json)")
            let items = waiting["items"]?.arrayValue ?? []
            #expect(items.count == 1 && items.first?.value(at: "case")?.stringValue == id, "\(waiting.json)")
            #expect(items.first?.value(at: "track") == "cnracl" && items.first?.value(at: "since")?.stringValue != nil)
            // The tasks inbox of the CNRACL has nothing: its part is a wait state.
            let tasks = try await api.send(.get, "/api/v1/tasks", as: "cnracl")
            #expect(tasks["items"]?.arrayValue?.isEmpty == true)
            let other = try await api.send(.get, "/api/v1/waiting", as: "mairie")
            #expect(other["items"]?.arrayValue?.isEmpty == true)

            let browser = try await WebBrowser.signedIn(api, as: "cnracl")
            let inbox = try await browser.get("/inbox")
            #expect(inbox.status == 200)
            #expect(inbox.html.contains("id=\"inbox-waiting\"") && inbox.html.contains("<tr data-case=\"\(id)\">"), "\(inbox.html)")
            let journal = try await harness.database.client.query(
                "SELECT count(*)::int FROM access_journal WHERE case_id = \(UUID(uuidString: id)!) AND actor = 'agent:cnracl'",
                logger: TestDatabase.logger)
            for try await count in journal.decode(Int.self) { #expect(count >= 2, "the lists shown are journaled") }
        }
    }
}
