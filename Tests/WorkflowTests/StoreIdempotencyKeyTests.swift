import Foundation
import PostgresNIO
import Testing
@testable import Workflow

/// The reservations of `Idempotency-Key`s: a lapsed one is taken over, an old key is purged.
@Suite("Store: idempotency keys")
struct StoreIdempotencyKeyTests {
    static let fingerprint = IdempotencyKeyStore.Fingerprint(method: "POST", path: "/api/v1/cases", body: Array("{}".utf8))

    @Test("a reservation held by a server that died lapses after its lease and is taken over")
    func lapsedReservation() async throws {
        let database = try await TestDatabase.fresh("idem-lease")
        defer { database.close() }
        let keys = IdempotencyKeyStore(database)
        guard case .reserved = try await keys.reserve(agent: "a", key: "k", fingerprint: Self.fingerprint) else {
            Issue.record("the first reservation failed"); return
        }
        #expect(try await keys.reserve(agent: "a", key: "k", fingerprint: Self.fingerprint) == .taken(Self.fingerprint, nil))
        try await database.client.query("UPDATE idempotency_keys SET reserved_until = now() - interval '1 second'", logger: database.logger)
        guard case .reserved = try await keys.reserve(agent: "a", key: "k", fingerprint: Self.fingerprint) else {
            Issue.record("the lapsed reservation was not taken over"); return
        }
    }

    @Test("keys older than the retention are purged by the next reservation; younger ones are kept")
    func purge() async throws {
        let database = try await TestDatabase.fresh("idem-purge")
        defer { database.close() }
        let keys = IdempotencyKeyStore(database)
        for key in ["old", "young"] {
            guard case .reserved(let id) = try await keys.reserve(agent: "a", key: key, fingerprint: Self.fingerprint) else {
                Issue.record("no reservation"); return
            }
            try await keys.complete(agent: "a", key: key, reservation: id,
                                    answer: .init(status: 201, headers: ["Content-Type": "application/json"], body: Array("{}".utf8)))
        }
        try await database.client.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old'",
                                         logger: database.logger)
        _ = try await keys.reserve(agent: "b", key: "other", fingerprint: Self.fingerprint)
        var left: [String] = []
        for try await key in try await database.client.query("SELECT key FROM idempotency_keys WHERE agent_id = 'a' ORDER BY key",
                                                             logger: database.logger).decode(String.self) {
            left.append(key)
        }
        #expect(left == ["young"])
        let answer = IdempotencyKeyStore.Answer(status: 201, headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
        #expect(try await keys.reserve(agent: "a", key: "young", fingerprint: Self.fingerprint) == .taken(Self.fingerprint, answer))
    }
}
