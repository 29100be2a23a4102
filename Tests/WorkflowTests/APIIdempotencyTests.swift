import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
@testable import Workflow
@testable import WorkflowServer

/// `Idempotency-Key` on the API's POSTs: a retried POST is answered again, never applied twice.
@Suite("API: Idempotency-Key")
struct APIIdempotencyTests {
    static func key(_ value: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[IdempotencyKey.header] = value
        return headers
    }

    static func newCase(_ api: APIClient, as agent: String = "rh", headers: HTTPFields = [:]) async throws -> APIResponse {
        try await api.send(.post, "/api/v1/cases", as: agent,
                           json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")], headers: headers)
    }

    static func version(_ api: APIClient, _ id: String) async throws -> Int? {
        try await api.send(.get, "/api/v1/cases/\(id)", as: "rh")["version"]?.numberValue?.int
    }

    @Test("a replay is the first answer byte for byte, marked as such, and changes nothing")
    func replay() async throws {
        let harness = try await APIHarness.make("api-idem-replay")
        defer { harness.database.close() }
        try await harness.run { api in
            let first = try await Self.newCase(api, headers: Self.key("create-1"))
            #expect(first.status == 201 && first.headers[IdempotencyKey.replayed] == nil)
            let again = try await Self.newCase(api, headers: Self.key("create-1"))
            #expect(again.status == 201 && again.text == first.text)
            #expect(again.headers[.location] == first.headers[.location] && again.contentType == "application/json")
            #expect(again.headers[IdempotencyKey.replayed] == "true")
            let listed = try await api.send(.get, "/api/v1/cases?workflow=retraite-multi-statuts", as: "rh")
            #expect(listed["items"]?.arrayValue?.count == 1)

            let id = try #require(first["id"]?.stringValue)
            let depot = try APICaseFlowTests.example("retraite-depot")
            let moved = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh", json: ["action": "deposer", "data": depot],
                                           headers: Self.key("move-1"))
            #expect(moved.status == 200 && moved["version"] == 2)
            let replayed = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh", json: ["action": "deposer", "data": depot],
                                              headers: Self.key("move-1"))
            #expect(replayed.text == moved.text && replayed.headers[IdempotencyKey.replayed] == "true")
            #expect(try await Self.version(api, id) == 2)

            // A refusal (4xx) is kept too: the same request gets the same refusal.
            let refused = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh", json: ["action": "no-such-action"],
                                             headers: Self.key("bad-1"))
            let refusedAgain = try await api.send(.post, "/api/v1/cases/\(id)/events", as: "rh", json: ["action": "no-such-action"],
                                                  headers: Self.key("bad-1"))
            #expect(refused.status >= 400 && refused.status < 500)
            #expect(refusedAgain.status == refused.status && refusedAgain.text == refused.text)
            #expect(refusedAgain.headers[IdempotencyKey.replayed] == "true")
        }
    }

    @Test("the same key with another body, or another path, is a 422 and changes nothing")
    func anotherRequest() async throws {
        let harness = try await APIHarness.make("api-idem-other")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try #require(try await Self.newCase(api, headers: Self.key("k"))["id"]?.stringValue)
            let note = try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh", json: ["text": "first"], headers: Self.key("n"))
            #expect(note.status == 201)
            let otherBody = try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh", json: ["text": "second"], headers: Self.key("n"))
            #expect(otherBody.status == 422 && otherBody["parameter"] == "Idempotency-Key")
            let otherPath = try await Self.newCase(api, headers: Self.key("n"))
            #expect(otherPath.status == 422)
            let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "rh")
            let notes = history["items"]?.arrayValue?.filter { $0.value(at: "event")?.stringValue == "note" } ?? []
            #expect(notes.count == 1)
        }
    }

    @Test("two callers may use the same key: each gets its own answer")
    func perCaller() async throws {
        let harness = try await APIHarness.make("api-idem-callers")
        defer { harness.database.close() }
        try await harness.run { api in
            let anne = try await Self.newCase(api, as: "rh", headers: Self.key("shared"))
            let cell = try await Self.newCase(api, as: "coord", headers: Self.key("shared"))
            #expect(anne.status == 201 && cell.status == 201)
            #expect(cell.headers[IdempotencyKey.replayed] == nil)
            #expect(anne["id"] != nil && anne["id"] != cell["id"])
        }
    }

    @Test("the same POST with the same key sent concurrently applies once")
    func concurrentDuplicates() async throws {
        let harness = try await APIHarness.make("api-idem-concurrent")
        defer { harness.database.close() }
        try await harness.run { api in
            let id = try #require(try await Self.newCase(api)["id"]?.stringValue)
            let before = try #require(try await Self.version(api, id))
            let statuses = try await withThrowingTaskGroup(of: Int.self, returning: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await api.send(.post, "/api/v1/cases/\(id)/notes", as: "rh", json: ["text": "une seule fois"],
                                           headers: Self.key("note-once")).status
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.allSatisfy { [201, 409].contains($0) } && statuses.contains(201), "\(statuses)")
            let history = try await api.send(.get, "/api/v1/cases/\(id)/history", as: "rh")
            let notes = history["items"]?.arrayValue?.filter { $0.value(at: "event")?.stringValue == "note" } ?? []
            #expect(notes.count == 1)
            let after = try #require(try await Self.version(api, id))
            #expect(after - before <= 1)
        }
    }

    @Test("a key that is empty, too long or not printable ASCII is a 400 naming the header")
    func invalidKey() async throws {
        let harness = try await APIHarness.make("api-idem-invalid")
        defer { harness.database.close() }
        try await harness.run { api in
            for bad in ["", String(repeating: "k", count: 256), "clé", "a\tb"] {
                let response = try await Self.newCase(api, headers: Self.key(bad))
                #expect(response.status == 400 && response["parameter"] == "Idempotency-Key", "\(bad.prefix(10)): \(response.json)")
            }
            var twice = Self.key("a")
            twice.append(HTTPField(name: IdempotencyKey.header, value: "b"))
            #expect(try await Self.newCase(api, headers: twice).status == 400)
            let listed = try await api.send(.get, "/api/v1/cases", as: "rh")
            #expect(listed["items"]?.arrayValue?.isEmpty == true)
            #expect(try await Self.newCase(api, headers: Self.key(String(repeating: "k", count: 255))).status == 201)
        }
    }

    @Test("a 5xx is not kept: the same request may be sent again and is processed")
    func serverErrorNotKept() async throws {
        let harness = try await APIHarness.make("api-idem-5xx")
        defer { harness.database.close() }
        let router = Router(context: APIContext.self)
        router.add(middleware: ProblemMiddleware())
        let calls = Counter()
        router.group("/api/v1")
            .add(middleware: AuthMiddleware(agents: harness.services.agents))
            .add(middleware: IdempotencyMiddleware(keys: harness.services.idempotencyKeys))
            .post("flaky") { _, _ -> Response in
                if calls.next() == 1 { throw Problem(.serviceUnavailable, "try again") }
                return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
            }
        var keyed = Self.key("flaky-1")
        keyed[.authorization] = "Bearer \(harness.tokens["rh"]!)"
        let headers = keyed
        try await Application(router: router).test(.router) { client in
            let failed = try await client.execute(uri: "/api/v1/flaky", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(failed.status == .serviceUnavailable)
            let retried = try await client.execute(uri: "/api/v1/flaky", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(retried.status == .created && retried.headers[IdempotencyKey.replayed] == nil)
            let replayed = try await client.execute(uri: "/api/v1/flaky", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(replayed.status == .created && replayed.headers[IdempotencyKey.replayed] == "true")
        }
        #expect(calls.next() == 3)
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }
}
