import Foundation
import Testing
@testable import Workflow

/// The worker's batches are read and written with one statement per table for all their
/// cases: each case must come out exactly as if its timer had been applied alone.
@Suite("Worker: set-based batches")
struct WorkerBatchTests {
    /// What a case's history says, without times and ids: comparable between two cases.
    static func story(_ record: CaseRecord) -> [String] {
        record.history.map { "\($0.caseVersion) \($0.entry.event) \($0.entry.fromState ?? "-") \($0.entry.toState ?? "-") \($0.entry.actor)" }
    }

    @Test("a batch of cases ends as each case applied alone: versions, history in order, journal, owners")
    func batchMatchesOneByOne() async throws {
        let (database, _, store) = try await WorkerTestWorkflow.store("worker-batch")
        defer { database.close() }
        let ids = try await WorkerSharingTests.dueCases(store, count: 12)
        let queue = TimerQueue(database)
        let held = try await queue.claim(limit: 100, worker: "batch", lease: .seconds(30))
        #expect(held.count == 12)
        // One case alone, the other eleven in one batch.
        let alone = held.first { $0.caseID == ids[0] }!
        let soloResults = try await store.applyClaimed([alone], worker: "batch")
        let results = try await store.applyClaimed(held.filter { $0.caseID != ids[0] }, worker: "batch")
        #expect(results.count == 11)
        for result in results + soloResults {
            #expect(result.result == .applied(escalations: [], state: "fin", closed: true), "\(result.timer.caseID): \(result.result)")
        }
        let reference = Self.story(try await store.read(ids[0]))
        #expect(!reference.isEmpty)
        for id in ids {
            let record = try await store.read(id)
            #expect(Self.story(record) == reference, "case \(id) differs from the case applied alone")
            #expect(record.history.map(\.sequence) == record.history.map(\.sequence).sorted())
            #expect(record.snapshot.version == (record.history.last?.caseVersion ?? 0))
            let changes = try await AccessJournal(database).entries(id).filter { $0.kind == "change" && $0.via == "worker" }
            #expect(changes.count == 1, "case \(id): \(changes.count) journal entries by the worker")
        }
        // Applied again (a late worker): nothing happens twice.
        let again = try await store.applyClaimed(held, worker: "batch")
        #expect(again.allSatisfy { if case .skipped = $0.result { true } else { false } })
        try await WorkerSharingTests.expectEachTimerOnce(store, ids)
        try await StoreCaseTests.expectInvariant(database)
    }
}
