import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import Workflow
@testable import WorkflowServer

/// Every route fed malformed input answers a 4xx problem naming what and where, never a 500.
@Suite("API: malformed input")
struct APIMalformedInputTests {
    static let someID = "0b7c6f2e-3a1d-4c5e-9f8a-1b2c3d4e5f60"

    /// Every operation with an id in its path, written with a real-looking id.
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "/api/v1/workflows"), (.post, "/api/v1/workflows"), (.post, "/api/v1/workflows/validate"),
        (.get, "/api/v1/workflows/retraite-multi-statuts"),
        (.post, "/api/v1/cases"), (.get, "/api/v1/cases"), (.get, "/api/v1/cases/\(someID)"),
        (.get, "/api/v1/cases/\(someID)/history"), (.post, "/api/v1/cases/\(someID)/events"),
        (.patch, "/api/v1/cases/\(someID)/data"), (.post, "/api/v1/cases/\(someID)/notes"),
        (.get, "/api/v1/tasks"), (.post, "/api/v1/tasks/\(someID)/claim"), (.post, "/api/v1/tasks/\(someID)/release"),
        (.post, "/api/v1/tasks/\(someID)/assign"), (.post, "/api/v1/tasks/\(someID)/resolve"),
    ]

    @Test("without a token, with a wrong, malformed or revoked one: 401 with WWW-Authenticate, on every route")
    func unauthenticated() async throws {
        let harness = try await APIHarness.make("api-auth")
        defer { harness.database.close() }
        _ = try await AgentStore(harness.database).revoke(id: "stranger")
        try await harness.run { api in
            for (method, uri) in Self.routes {
                for (agent, headers) in [(nil, [:]), ("pc_wrong", [:]), ("stranger", [:]),
                                         (nil, [HTTPField.Name.authorization: "Basic YWxhZGRpbjpvcGVuc2VzYW1l"])] as [(String?, HTTPFields)] {
                    let response = try await api.send(method, uri, as: agent, headers: headers)
                    #expect(response.status == 401, "\(method) \(uri) as \(agent ?? "nobody")")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                }
            }
        }
    }

    @Test("bad JSON, wrong types, unknown members, bad ids, bad query parameters, a body too large: 400 or 413 saying where")
    func malformed() async throws {
        let harness = try await APIHarness.make("api-malformed")
        defer { harness.database.close() }
        try await harness.run { api in
            for (method, uri) in Self.routes {
                // An unknown query parameter is named.
                let unknown = try await api.send(method, uri + "?zzz=1", as: "rh")
                #expect(unknown.status == 400 && unknown["parameter"] == "zzz", "\(method) \(uri)?zzz: \(unknown.json)")
                if uri.contains(Self.someID) {
                    let badID = uri.replacingOccurrences(of: Self.someID, with: "not-a-uuid")
                    let response = try await api.send(method, badID, as: "rh", json: [:], template: APIClient.template(uri))
                    #expect(response.status == 400 && response["parameter"] == "id", "\(method) \(badID): \(response.json)")
                }
            }
            let bodies: [(String, String, String?)] = [
                ("{", "", "not valid JSON"), ("[1]", "", "JSON object"), ("{\"workflow\": 3}", "/workflow", "string"),
                ("{\"workflow\": \"retraite-multi-statuts\", \"dta\": {}}", "/dta", "did you mean 'data'"),
                ("{\"workflow\": \"retraite-multi-statuts\", \"data\": []}", "/data", "object"),
                ("{\"workflow\": \"retraite-multi-statuts\", \"version\": 1.5}", "/version", "whole number"),
                ("{}", "/workflow", "required"),
            ]
            for (body, pointer, words) in bodies {
                let response = try await api.send(.post, "/api/v1/cases", as: "rh", raw: body)
                #expect(response.status == 400 && response["pointer"]?.stringValue == pointer, "\(body): \(response.json)")
                if let words { #expect(response["detail"]?.stringValue?.contains(words) == true, "\(body): \(response.json)") }
            }
            let huge = "{\"workflow\": \"" + String(repeating: "a", count: BodyReader.limit + 10) + "\"}"
            #expect(try await api.send(.post, "/api/v1/cases", as: "rh", raw: huge).status == 413)
            for query in ["limit=0", "limit=x", "escalated=maybe", "created_after=yesterday", "after=!!", "q=a"] {
                let response = try await api.send(.get, "/api/v1/cases?\(query)", as: "rh")
                #expect(response.status == 400 && response["parameter"] != nil, "\(query): \(response.json)")
            }
            let events: [JSONValue] = [[:], ["action": "a", "raise": "b"], ["raise": "agent-raised", "data": [:]], ["action": 1],
                                       ["action": "a", "expected_version": "2"]]
            let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                             json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
            let id = try #require(created["id"]?.stringValue)
            for body in events {
                let response = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh", json: body)
                #expect(response.status == 400 && response["pointer"] != nil, "\(body.serialized()): \(response.json)")
            }
            #expect(try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh", json: ["text": ""]).status == 400)
            #expect(try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh", json: ["text": "  \n "])["pointer"] == "/text")
            // A real escalation task, resolved with malformed bodies.
            _ = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh", json: ["raise": "agent-raised", "note": "test"])
            let inbox = try await api.send(.get, "/api/v1/tasks?kind=escalation", as: "coord")
            let taskID = try #require(inbox["items"]?.arrayValue?.first?.value(at: "id")?.stringValue)
            let resolveBodies: [(JSONValue, String)] = [
                ([:], ""), (["evaluate": true, "hand_over": "x"], ""), (["evaluate": false], "/evaluate"),
                (["override": ["track": "sre"]], "/override/state"), (["override": ["state": "x", "zzz": 1]], "/override/zzz"),
                (["override": ["state": "x", "track": 3]], "/override/track"), (["evaluate": true, "data": [:]], "/data"),
            ]
            for (body, pointer) in resolveBodies {
                let response = try await api.send(.post, "/api/v1/tasks/\(taskID)/resolve", as: "coord", json: body)
                #expect(response.status == 400 && response["pointer"]?.stringValue == pointer, "\(body.serialized()): \(response.json)")
            }
            #expect(try await api.send(.get, "/api/v1/cases?limit=1&limit=2", as: "rh")["parameter"] == "limit")
            #expect(try await api.send(.patch, "/api/v1/cases/\(id)/data", as: "rh", json: ["note": "x"]).status == 400)
        }
    }
}
