import AsyncHTTPClient
import CoreMetrics
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing
@testable import Workflow

/// Webhooks delivered by the worker's deliverer to a real HTTP server on loopback: in
/// order per case, signed, journaled, retried, disabled after their window and resumed,
/// shared by two workers without sending an event twice. (`scripts/check-webhooks.sh`
/// checks the signatures with another implementation of Standard Webhooks, and kills a
/// worker during delivery.)
@Suite("Webhooks: delivery to a real receiver")
struct WebhookDeliveryTests {
    /// What a receiver got, and how it answers.
    actor Receiver {
        struct Delivery: Sendable {
            var path: String
            var id: String
            var timestamp: String
            var signature: String
            var body: Data
            var envelope: JSONValue
            var answered = 0
        }

        var deliveries: [Delivery] = []
        var status = 200

        func record(_ delivery: Delivery) -> Int {
            var delivery = delivery
            delivery.answered = status
            deliveries.append(delivery)
            return status
        }

        func answer(_ status: Int) { self.status = status }

        /// The deliveries a 2xx answered, by path.
        func accepted(_ path: String) -> [Delivery] { deliveries.filter { $0.path == path && (200..<300).contains($0.answered) } }
    }

    /// A live server recording every POST, answering with the receiver's status.
    static func withReceiver(_ body: @escaping @Sendable (Receiver, Int) async throws -> Void) async throws {
        let receiver = Receiver()
        let router = Router()
        router.post("/:hook") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let data = Data(buffer: bytes)
            let delivery = Receiver.Delivery(
                path: context.parameters.get("hook") ?? "", id: request.headers[.init("webhook-id")!] ?? "",
                timestamp: request.headers[.init("webhook-timestamp")!] ?? "",
                signature: request.headers[.init("webhook-signature")!] ?? "", body: data,
                envelope: (try? JSONValue(parsing: String(decoding: data, as: UTF8.self))) ?? .null)
            let status = await receiver.record(delivery)
            return Response(status: .init(code: status))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(receiver, try #require(client.port))
        }
    }

    /// One client for the suite, as a worker has one for its life.
    static let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(redirectConfiguration: .disallow))

    struct Setup {
        var database: Database
        var store: CaseStore
        var catalog: WorkflowCatalog
        var key: SecretsKey
        var client: HTTPClient
    }

    static func setUp(_ name: String) async throws -> Setup {
        let (database, store) = try await StoreCaseTests.store(name)
        return Setup(database: database, store: store, catalog: WorkflowCatalog(WorkflowRepository(database)),
                     key: SecretsKey(SymmetricKey(size: .bits256)),
                     client: client)
    }

    static func deliverer(_ setup: Setup, worker: String = "w1", configure: (inout WebhookSettings) -> Void = { _ in }) -> WebhookDeliverer {
        var settings = WebhookSettings()
        settings.addressPolicy = WebhookAddressPolicy(allowedHosts: ["127.0.0.1"])
        settings.timeout = .seconds(5)
        configure(&settings)
        return WebhookDeliverer(database: setup.database, catalog: setup.catalog, client: setup.client, settings: settings,
                                key: SecretsKeySource(setup.key), workerID: worker, lease: .seconds(30), logger: TestDatabase.logger,
                                metrics: WebhookMetrics(factory: NOOPMetricsHandler.instance))
    }

    static func add(_ setup: Setup, port: Int, path: String, agency: String = "mairie-recueil", types: [String]? = nil) async throws -> WebhookRegistry.Added {
        try await WebhookRegistry(database: setup.database, catalog: setup.catalog)
            .add(agency: agency, roles: [], url: "http://127.0.0.1:\(port)/\(path)", types: types,
                 policy: WebhookAddressPolicy(allowedHosts: ["127.0.0.1"]), key: setup.key, by: "cli:test")
    }

    /// The ids of the outbox events of these cases, in outbox order.
    static func outbox(_ database: Database, _ cases: [UUID]) async throws -> [String] {
        let rows = try await database.client.query(
            "SELECT id FROM case_events WHERE case_id = ANY(\(cases)) ORDER BY xact, seq", logger: TestDatabase.logger)
        var ids: [String] = []
        for try await id in rows.decode(UUID.self) { ids.append(id.uuidString.lowercased()) }
        return ids
    }

    /// Runs `round` until `done` holds (the outbox serves events once every older
    /// transaction of the cluster has ended, other suites' included) or 15 s have passed.
    static func until(_ done: () async throws -> Bool, _ round: () async throws -> Void) async throws {
        for _ in 0..<150 {
            try await round()
            if try await done() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func endpoint(_ setup: Setup, _ id: Int64) async throws -> WebhookEndpoint {
        try #require(try await WebhookStore(setup.database).list().first { $0.id == id })
    }

    @Test("every event reaches the endpoint in order, signed, journaled; a refused or lost change sends nothing")
    func deliversInOrder() async throws {
        let setup = try await Self.setUp("webhook-order")
        defer { setup.database.close() }
        try await Self.withReceiver { receiver, port in
            let added = try await Self.add(setup, port: port, path: "mairie")
            let other = try await Self.add(setup, port: port, path: "closed-only", types: ["parcours.case.closed"])
            var cases: [UUID] = []
            for _ in 0..<3 { cases.append(try await StoreWriteConflictTests.caseWithTask(setup.store).id) }
            // Refused, and lost to a race: neither leaves an event, so neither is sent.
            await #expect(throws: StoreError.self) { _ = try await StoreCaseTests.act(setup.store, cases[0], "remettre-titre") }
            let record = try await setup.store.read(cases[1])
            let (_, stale, now) = try await StoreWriteConflictTests.staleHandOver(setup.store, setup.database, record)
            _ = try await setup.store.apply(StoreWriteConflictTests.note("passé avant"), toCase: cases[1])
            await #expect(throws: StoreError.self) { try await StoreWriteConflictTests.write(setup.database, stale, now: now) }
            _ = try await StoreCaseTests.act(setup.store, cases[2], "annuler-demande", note: "doublon")

            let expected = try await Self.outbox(setup.database, cases)
            #expect(expected.count == 7, "created and changed for each case, and one closing")
            let deliverer = Self.deliverer(setup)
            try await Self.until({ await receiver.accepted("mairie").count >= expected.count }) { _ = try await deliverer.deliverDue() }
            let got = await receiver.accepted("mairie")
            #expect(got.map(\.id) == expected, "each event once, in outbox order")
            for delivery in got {
                let key = try #require(StandardWebhooks.key(of: added.secret))
                let timestamp = try #require(Int(delivery.timestamp))
                #expect(delivery.signature == StandardWebhooks.signature(id: delivery.id, timestamp: timestamp, body: delivery.body, key: key))
                #expect(abs(Double(timestamp) - Date().timeIntervalSince1970) < 60)
                #expect(delivery.envelope.value(at: "specversion") == "1.0" && delivery.envelope.value(at: "id")?.stringValue == delivery.id)
            }
            for id in cases {
                let versions = got.filter { $0.envelope.value(at: "subject")?.stringValue == id.uuidString.lowercased() }
                    .compactMap { $0.envelope.value(at: "data.version")?.numberValue?.int }
                #expect(versions == versions.sorted() && !versions.isEmpty, "a case's events in its versions' order")
            }
            // Types: the second endpoint got the closing only.
            try await Self.until({ await receiver.accepted("closed-only").count >= 1 }) { _ = try await deliverer.deliverDue() }
            #expect(await receiver.accepted("closed-only").map { $0.envelope.value(at: "type") } == ["parcours.case.closed"])
            let endpoint = try await Self.endpoint(setup, added.id)
            #expect(endpoint.delivered == 7 && endpoint.status == "enabled" && endpoint.pending == 0)
            #expect(try await Self.endpoint(setup, other.id).delivered == 1)
            // Each delivery is journaled as a read by the agency's system.
            let journal = try await AccessJournal(setup.database).entries(cases[0])
            #expect(journal.filter { $0.actor == "webhook:\(added.id)" && $0.agency == "mairie-recueil" && $0.kind == "read" }.count == 2)
            // Nothing more to send: another round sends nothing.
            #expect(try await deliverer.deliverDue() == 0)
            #expect(await receiver.deliveries.count == 8)
        }
    }

    @Test("a failing receiver is retried with backoff, disabled after its window, and resumed from the first event it lacks")
    func failsThenResumes() async throws {
        let setup = try await Self.setUp("webhook-fail")
        defer { setup.database.close() }
        try await Self.withReceiver { receiver, port in
            let added = try await Self.add(setup, port: port, path: "down")
            await receiver.answer(500)
            let id = try await StoreWriteConflictTests.caseWithTask(setup.store).id
            let expected = try await Self.outbox(setup.database, [id])
            let deliverer = Self.deliverer(setup) { settings in
                // The next attempt 3 to 6 s after the first: far enough for a busy machine to
                // ask again before it is due.
                settings.firstRetry = .seconds(6)
                settings.retryWindow = .seconds(2)
            }
            try await Self.until({ await receiver.deliveries.count >= 1 }) { _ = try await deliverer.deliverDue() }
            var endpoint = try await Self.endpoint(setup, added.id)
            #expect(endpoint.status == "failing" && endpoint.attempts == 1 && endpoint.lastError == "HTTP 500" && endpoint.delivered == 0)
            #expect(endpoint.nextAttemptAt > Date().addingTimeInterval(-1))
            let sentEarly = try await deliverer.deliverDue()
            let seenEarly = await receiver.deliveries.count
            #expect(sentEarly == 0 && seenEarly == 1, "not before its next attempt")
            // Past the window, the next failure disables it.
            try await Task.sleep(for: .milliseconds(2200))
            try await Self.until({ try await Self.endpoint(setup, added.id).status == "disabled" }) { _ = try await deliverer.deliverDue() }
            endpoint = try await Self.endpoint(setup, added.id)
            #expect(endpoint.disabledReason?.contains("HTTP 500") == true && endpoint.attempts >= 2)
            #expect(try await WebhookStore(setup.database).counts() == WebhookCounts(enabled: 0, failing: 0, disabled: 1))
            let attempts = await receiver.deliveries.count
            await receiver.answer(200)
            let sentDisabled = try await deliverer.deliverDue()
            let seenDisabled = await receiver.deliveries.count
            #expect(sentDisabled == 0 && seenDisabled == attempts, "disabled: nothing is sent")
            // Enabled: from the first event it has not acknowledged, nothing lost.
            #expect(try await WebhookStore(setup.database).enable(added.id))
            try await Self.until({ await receiver.deliveries.count >= attempts + expected.count }) { _ = try await deliverer.deliverDue() }
            let all = await receiver.deliveries
            #expect(Set(all.prefix(attempts).map(\.id)) == [expected[0]], "the failed attempts were of the first event, same webhook-id")
            #expect(all.suffix(expected.count).map(\.id) == expected)
            #expect(try await Self.endpoint(setup, added.id).status == "enabled")
        }
    }

    @Test("two workers share the endpoints under leases: each event goes out once to each endpoint")
    func twoWorkers() async throws {
        let setup = try await Self.setUp("webhook-share")
        defer { setup.database.close() }
        try await Self.withReceiver { receiver, port in
            for path in ["a", "b", "c"] { _ = try await Self.add(setup, port: port, path: path) }
            var cases: [UUID] = []
            for _ in 0..<4 { cases.append(try await StoreWriteConflictTests.caseWithTask(setup.store).id) }
            let expected = try await Self.outbox(setup.database, cases)
            let workers = [Self.deliverer(setup, worker: "w1") { $0.endpointsAtOnce = 1 },
                           Self.deliverer(setup, worker: "w2") { $0.endpointsAtOnce = 1 }]
            try await Self.until({ await receiver.deliveries.count >= 3 * expected.count }) {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for worker in workers { group.addTask { try await worker.deliverDue() } }
                    try await group.waitForAll()
                }
            }
            for path in ["a", "b", "c"] {
                let got = await receiver.accepted(path).map(\.id)
                #expect(got == expected, "endpoint \(path): each event once, in order: \(got.map { expected.firstIndex(of: $0) ?? -1 })")
            }
        }
    }

    @Test("a rotated secret: both sign during the grace; an address the deployment does not allow is not reached")
    func rotationAndAddresses() async throws {
        let setup = try await Self.setUp("webhook-rotate")
        defer { setup.database.close() }
        try await Self.withReceiver { receiver, port in
            let added = try await Self.add(setup, port: port, path: "r")
            let newSecret = try await WebhookRegistry(database: setup.database, catalog: setup.catalog).rotate(added.id, grace: .seconds(3600), key: setup.key)
            #expect(try await Self.endpoint(setup, added.id).previousSecretUntil != nil)
            let id = try await StoreWriteConflictTests.caseWithTask(setup.store).id
            // A worker whose deployment does not allow loopback refuses to send there.
            let strict = Self.deliverer(setup) { $0.addressPolicy = WebhookAddressPolicy() }
            try await Self.until({ try await Self.endpoint(setup, added.id).attempts >= 1 }) { _ = try await strict.deliverDue() }
            #expect(try await Self.endpoint(setup, added.id).lastError?.contains("internal address") == true)
            #expect(await receiver.deliveries.isEmpty)
            // Allowed: delivered, signed by both secrets.
            #expect(try await WebhookStore(setup.database).enable(added.id))
            let expected = try await Self.outbox(setup.database, [id])
            let deliverer = Self.deliverer(setup)
            try await Self.until({ await receiver.accepted("r").count >= expected.count }) { _ = try await deliverer.deliverDue() }
            let delivery = try #require(await receiver.accepted("r").first)
            let signatures = delivery.signature.split(separator: " ").map(String.init)
            let timestamp = try #require(Int(delivery.timestamp))
            for secret in [newSecret, added.secret] {
                let key = try #require(StandardWebhooks.key(of: secret))
                #expect(signatures.contains(StandardWebhooks.signature(id: delivery.id, timestamp: timestamp, body: delivery.body, key: key)))
            }
        }
    }
}
