import Foundation
import PostgresNIO
import Testing
@testable import Workflow

/// The outbox: each change's events written with it (or not at all), and the feed that
/// gives them to other systems as CloudEvents, filtered like a read and journaled.
@Suite("Events to other systems: the outbox and the feed")
struct OutboxTests {
    static func types(_ database: Database, _ id: UUID) async throws -> [String] {
        let rows = try await database.client.query("SELECT type FROM case_events WHERE case_id = \(id) ORDER BY seq", logger: TestDatabase.logger)
        var types: [String] = []
        for try await type in rows.decode(String.self) { types.append(type) }
        return types
    }

    /// The feed once it shows at least `count` events: it serves events of transactions older
    /// than every one still running in the cluster (other suites' included), so a fresh event
    /// may take a moment to appear.
    static func feed(_ api: APIClient, _ query: String, as agent: String, count: Int) async throws -> APIResponse {
        var answer = try await api.send(.get, "/api/v1/events\(query)", as: agent)
        for _ in 0..<100 where (answer["items"]?.arrayValue?.count ?? 0) < count {
            try await Task.sleep(for: .milliseconds(100))
            answer = try await api.send(.get, "/api/v1/events\(query)", as: agent)
        }
        return answer
    }

    @Test("a change writes its events with it, in order; a refused change or one that lost a race writes none")
    func eventsWithTheirChange() async throws {
        let (database, store) = try await StoreCaseTests.store("outbox")
        defer { database.close() }
        let record = try await StoreWriteConflictTests.caseWithTask(store)
        #expect(try await Self.types(database, record.id) == ["parcours.case.created", "parcours.case.changed"])
        // A note moves nothing: no event.
        _ = try await store.apply(StoreWriteConflictTests.note("vu"), toCase: record.id)
        #expect(try await Self.types(database, record.id).count == 2)
        // Refused: nothing.
        await #expect(throws: StoreError.self) { _ = try await StoreCaseTests.act(store, record.id, "remettre-titre") }
        #expect(try await Self.types(database, record.id).count == 2)
        // A stale write fails whole: no event either.
        let (_, stale, now) = try await StoreWriteConflictTests.staleHandOver(store, database, record)
        _ = try await store.apply(StoreWriteConflictTests.note("passé avant"), toCase: record.id)
        await #expect(throws: StoreError.self) { try await StoreWriteConflictTests.write(database, stale, now: now) }
        #expect(try await Self.types(database, record.id).count == 2)
        // Raised, then withdrawn: escalated, then closed.
        _ = try await store.apply(CaseEvent(.raise(reason: "agent-raised", track: nil), actor: StoreCaseTests.operatorActor, note: "doute"),
                                  toCase: record.id)
        _ = try await StoreCaseTests.act(store, record.id, "annuler-demande", note: "doublon")
        let types = try await Self.types(database, record.id)
        #expect(Array(types.suffix(2)) == ["parcours.case.escalated", "parcours.case.closed"], "\(types)")
        let versions = try await database.client.query(
            "SELECT case_version FROM case_events WHERE case_id = \(record.id) ORDER BY seq", logger: TestDatabase.logger)
        var seen: [Int] = []
        for try await version in versions.decode(Int.self) { seen.append(version) }
        #expect(seen == seen.sorted(), "a case's events follow its versions")
    }

    @Test("the feed gives CloudEvents with the data the caller may see, pages by cursor, filters by type, and journals each read")
    func feed() async throws {
        let (harness, token) = try await APIPortalTests.portalHarness("outbox-feed")
        defer { harness.database.close() }
        try await harness.run { api in
            // The person deposits through the portal, with a medical certificate only the
            // medical adviser may read.
            let person = APIPortalTests.person("oidc|anne")
            let created = try await api.send(.post, "/api/v1/portal/cases", as: token,
                                             json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")],
                                             headers: person)
            let id = try #require(created["id"]?.stringValue)
            var depot = try APICaseFlowTests.example("retraite-depot")
            try depot.setValue(["type": "certificat", "issuer": "usager", "name": "certificat.pdf", "size": 1200,
                                "sha256": .string(String(repeating: "cd", count: 32))], at: "sante.rapport_medical")
            let sent = try await api.send(.post, "/api/v1/portal/cases/\(id)/events", as: token,
                                          json: ["action": "deposer", "data": depot], headers: person)
            #expect(sent.status == 200, "\(sent.json)")

            let feed = try await Self.feed(api, "", as: "cnracl", count: 2)
            #expect(feed.status == 200, "\(feed.json)")
            let items = feed["items"]?.arrayValue ?? []
            #expect(items.prefix(2).map { $0.value(at: "type")?.stringValue } == ["parcours.case.created", "parcours.case.changed"])
            // Then, in the same change, each pension body's part asks it for its career statement.
            let requests = items.dropFirst(2)
            #expect(requests.map { $0.value(at: "data.request.request")?.stringValue } == ["releve-sre", "releve-cnracl", "releve-ircantec"])
            #expect(requests.allSatisfy { $0.value(at: "type") == "parcours.request.opened" })
            let changed = items[1]
            #expect(changed.value(at: "specversion") == "1.0" && changed.value(at: "subject")?.stringValue == id)
            #expect(changed.value(at: "data.state") == "instruction-parts")
            #expect(changed.value(at: "data.whose_move")?.arrayValue?.contains("cnracl") == true)
            #expect(changed.value(at: "data.data.usager.nom") != nil, "the CNRACL sees the person's name")
            #expect(changed.value(at: "data.data.sante") == nil, "a medical field went to an agency that may not see it")

            let doctor = try await Self.feed(api, "?types=parcours.case.changed", as: "medecin", count: 1)
            #expect(doctor["items"]?.arrayValue?.count == 1)
            #expect(doctor["items"]?.arrayValue?.first?.value(at: "data.data.sante.rapport_medical.name") == "certificat.pdf")

            let next = try #require(feed["next"]?.stringValue)
            let empty = try await api.send(.get, "/api/v1/events?after=\(next)", as: "cnracl")
            #expect(empty["items"]?.arrayValue?.isEmpty == true && empty["next"]?.stringValue == next)
            let stranger = try await api.send(.get, "/api/v1/events", as: "mairie")
            #expect(stranger["items"]?.arrayValue?.isEmpty == true)
            let bad = try await api.send(.get, "/api/v1/events?types=parcours.case.moved", as: "cnracl")
            #expect(bad.status == 400)

            // Each envelope served is one read in the journal (the polls above served some too).
            func reads() async throws -> [AccessJournal.Entry] {
                try await AccessJournal(harness.database).entries(UUID(uuidString: id)!)
                    .filter { $0.actor == "agent:cnracl" && $0.via == "GET /api/v1/events" }
            }
            let before = try await reads().count
            let again = try await api.send(.get, "/api/v1/events", as: "cnracl")
            let served = again["items"]?.arrayValue?.count ?? 0
            let all = try await reads()
            #expect(served == items.count && all.count == before + served, "\(all)")
            #expect(all.allSatisfy { $0.fields.contains("usager.nom") && !$0.fields.contains { $0.hasPrefix("sante.") } }, "\(all)")
        }
    }

    @Test("the feed never steps over an event whose transaction commits after a later one's")
    func feedWaitsForOlderTransactions() async throws {
        let harness = try await APIHarness.make("outbox-order")
        defer { harness.database.close() }
        try await harness.run { api in
            func create() async throws -> String {
                let created = try await api.send(.post, "/api/v1/cases", as: "rh",
                                                 json: ["workflow": "retraite-multi-statuts", "data": try APICaseFlowTests.example("retraite")])
                return try #require(created["id"]?.stringValue)
            }
            let first = try await create()
            let start = try #require(try await Self.feed(api, "", as: "rh", count: 1)["next"]?.stringValue)
            // A transaction writes an event and stays open while another commits one.
            let database = harness.database
            let opened = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            let held = Task {
                try await database.transaction { connection in
                    try await connection.query("SELECT pg_current_xact_id()", logger: TestDatabase.logger)
                    let id = UUID(uuidString: first)!
                    try await connection.query("""
                        INSERT INTO case_events (id, case_id, case_version, type, at, workflow_id, workflow_version, payload)
                        SELECT gen_random_uuid(), id, version, 'parcours.case.changed', now(), workflow_id, workflow_version, '{}'::jsonb
                        FROM cases WHERE id = \(id)
                        """, logger: TestDatabase.logger)
                    opened.continuation.yield()
                    for await _ in release.stream { break }
                }
            }
            for await _ in opened.stream { break }
            let second = try await create()
            let during = try await api.send(.get, "/api/v1/events?after=\(start)", as: "rh")
            #expect(during["items"]?.arrayValue?.isEmpty == true, "an event was served while an older transaction was open: \(during.json)")
            release.continuation.yield()
            try await held.value
            let after = try await Self.feed(api, "?after=\(start)", as: "rh", count: 2)
            let subjects = after["items"]?.arrayValue?.compactMap { $0.value(at: "subject")?.stringValue } ?? []
            #expect(subjects == [first, second], "\(after.json)")
        }
    }
}
