import Foundation
import Testing
@testable import Workflow
@testable import WorkflowServer

/// `/api/v1/supervision/…`: supervisors only, over the workflows they may know, malformed
/// filters refused with the parameter named, and no case data in any report.
@Suite("API: supervision")
struct APISupervisionTests {
    static let reports = ["stuck", "escalations", "delays"]

    /// A retirement case created, deposited and escalated through the API (with a note
    /// naming the person), and a passport case the coordinator may not know.
    static func fixture(_ harness: APIHarness, _ api: APIClient) async throws -> (retirement: String, passport: UUID) {
        let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                         json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
        let id = try #require(created["id"]?.stringValue)
        _ = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                               json: ["action": "deposer", "data": try APICaseFlowTests.example("retraite-depot")])
        let raised = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh",
                                        json: ["raise": "agent-raised", "note": "relevé incohérent"])
        #expect(raised.status == 200)
        let passport = try await SupervisionReportTests.insertCase(
            harness.database, state: "instruction", waitingOn: "cert-titres", created: SupervisionReportTests.at(0),
            entered: SupervisionReportTests.at(0), lastEvent: SupervisionReportTests.at(0))
        return (id, passport)
    }

    @Test("a supervisor gets the three reports, over the workflows it may know, with no case data")
    func supervisorReports() async throws {
        let harness = try await APIHarness.make("api-supervision")
        defer { harness.database.close() }
        try await harness.run { api in
            let (id, passport) = try await Self.fixture(harness, api)
            let stuck = try await api.send(.get, "/api/v1/supervision/stuck", as: "coord")
            #expect(stuck.status == 200)
            let items = try #require(stuck["items"]?.arrayValue)
            #expect(items.map { $0.value(at: "case")?.stringValue } == [id])
            let row = try #require(items.first)
            #expect(row.value(at: "workflow") == "retraite-multi-statuts" && row.value(at: "escalated") == true)
            #expect(row.value(at: "escalation_reasons") == ["agent-raised"])
            #expect(!stuck.json.serialized().contains(passport.uuidString.lowercased()))

            let escalated = try await api.send(.get, "/api/v1/supervision/stuck?escalated=true&agency=engine&min_age=0s&limit=10", as: "coord")
            #expect(escalated.status == 200)

            let escalations = try await api.send(.get, "/api/v1/supervision/escalations", as: "coord")
            #expect(escalations.status == 200 && escalations["open"] == 1)
            #expect(escalations["by_reason"] == [["reason": "agent-raised", "open": 1, "resolved": 0]])

            let delays = try await api.send(.get, "/api/v1/supervision/delays?workflow=retraite-multi-statuts", as: "coord")
            #expect(delays.status == 200 && delays["cases"] == 1)

            // No case data: the person's name, NIR and dates are in the case, not in any report;
            // nor an escalation's context.
            for response in [stuck, escalated, escalations, delays] {
                let text = response.json.serialized()
                for secret in ["Lefèvre", "2620575123456", "1962-05-10", "contractuel", "context"] {
                    #expect(!text.contains(secret), "\(secret) in \(text.prefix(200))")
                }
            }
        }
    }

    @Test("agents who are not supervisors get 403, callers without a token 401")
    func notSupervisors() async throws {
        let harness = try await APIHarness.make("api-supervision-403")
        defer { harness.database.close() }
        try await harness.run { api in
            for report in Self.reports {
                for agent in ["rh", "sre", "designer", "stranger"] {
                    let refused = try await api.send(.get, "/api/v1/supervision/\(report)", as: agent)
                    #expect(refused.status == 403, "\(agent)")
                }
                let anonymous = try await api.send(.get, "/api/v1/supervision/\(report)", as: nil)
                #expect(anonymous.status == 401)
            }
        }
    }

    @Test("malformed filters and periods are 400 problems naming the parameter")
    func malformed() async throws {
        let harness = try await APIHarness.make("api-supervision-400")
        defer { harness.database.close() }
        try await harness.run { api in
            let cases: [(String, String)] = [
                ("stuck?min_age=three-days", "min_age"), ("stuck?min_idle=3", "min_idle"), ("stuck?escalated=yes", "escalated"),
                ("stuck?breached=1", "breached"), ("stuck?limit=0", "limit"), ("stuck?after=not-a-cursor", "after"),
                ("stuck?agency=sre&waiting_on=usager", "agency"), ("stuck?sort=age", "sort"),
                ("escalations?from=yesterday", "from"), ("escalations?to=2026-13-01", "to"),
                ("escalations?from=2026-03-01&to=2026-02-01", "from"), ("escalations?overrides_limit=501", "overrides_limit"),
                ("delays?from=2024-01-01&to=2026-01-01", "from"), ("delays?from=2026-02-01&to=2026-02-01", "from"),
                ("delays?state=x", "state"),
            ]
            for (query, parameter) in cases {
                let response = try await api.send(.get, "/api/v1/supervision/\(query)", as: "coord")
                #expect(response.status == 400 && response["parameter"]?.stringValue == parameter, "\(query): \(response.json)")
            }
        }
    }
}
