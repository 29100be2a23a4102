import Foundation
import PostgresNIO
import Testing
@testable import Workflow

/// A change reads the case without a lock and writes it in one statement that checks what it
/// read: these tests make another change land between the read and the write.
@Suite("Changes that collide in PostgreSQL")
struct StoreWriteConflictTests {
    /// A passport case waiting in `recueil`, with its open task in the `recueil-titres` queue.
    static func caseWithTask(_ store: CaseStore) async throws -> CaseRecord {
        var data = StoreCaseTests.passportData
        try data.setValue("AB12345678", at: "demande.numero_predemande")
        let created = try await store.create(workflowID: "passeport-identite", data: data, actor: StoreCaseTests.operatorActor)
        let appointment = String(RFC3339.format(Date().addingTimeInterval(10 * 86_400), in: TimeZone(identifier: "UTC")!).prefix(10))
        return try await StoreCaseTests.act(store, created.id, "prendre-rendez-vous",
                                            data: ["recueil": ["date_rendez_vous": .string(appointment)]])
    }

    /// What the engine makes of `event` on the case as read now, and the snapshot it read.
    static func judged(_ store: CaseStore, _ database: Database, _ id: UUID,
                       _ event: CaseEvent) async throws -> (CaseWriter.Entry, Date) {
        let (record, now) = try await database.withConnection { connection in
            try await CaseReader(connection: connection, logger: TestDatabase.logger).current(id)
        }
        let definition = try await store.catalog.definition(id: record.snapshot.workflowID, version: record.snapshot.workflowVersion)
        guard case .applied(var change) = store.engine(definition).apply(event, to: record.snapshot, now: now) else {
            throw StoreError(.refused, "the engine refused the test's event")
        }
        change.after.version = record.snapshot.version + 1
        return (CaseWriter.Entry(change: change, previousVersion: record.snapshot.version, tasksAsRead: record.snapshot.tasks), now)
    }

    /// A hand-over of the case's task to another queue, judged now and not yet written.
    static func staleHandOver(_ store: CaseStore, _ database: Database,
                              _ record: CaseRecord) async throws -> (task: CaseTask, entry: CaseWriter.Entry, now: Date) {
        let task = try #require(record.snapshot.tasks.first)
        let (entry, now) = try await judged(store, database, record.id,
                                            CaseEvent(.handOver(taskID: task.id, queue: "instruction-titres"), actor: StoreCaseTests.operatorActor,
                                                      note: "pièce d'état civil à vérifier"))
        return (task, entry, now)
    }

    static func write(_ database: Database, _ entry: CaseWriter.Entry, now: Date) async throws {
        try await database.withConnection { connection in
            try await CaseWriter(connection: connection, logger: TestDatabase.logger)
                .write([entry], journal: [CaseStore.journalLine(entry.change, actor: StoreCaseTests.operatorActor, via: "test")], now: now)
        }
    }

    static func note(_ text: String) -> CaseEvent {
        CaseEvent(.addNote, actor: StoreCaseTests.operatorActor, note: text)
    }

    @Test("a write that finds the case moved since its read fails whole: no history, task or journal line")
    func movedCase() async throws {
        let (database, store) = try await StoreCaseTests.store("moved")
        defer { database.close() }
        let record = try await Self.caseWithTask(store)
        let (task, stale, now) = try await Self.staleHandOver(store, database, record)
        _ = try await store.apply(Self.note("passé avant"), toCase: record.id)
        let history = try await StoreCaseTests.count(database, "case_history")
        let journal = try await StoreCaseTests.count(database, "access_journal")
        await #expect { try await Self.write(database, stale, now: now) } throws: { ($0 as? StoreError)?.code == .conflict }
        #expect(try await StoreCaseTests.count(database, "case_history") == history)
        #expect(try await StoreCaseTests.count(database, "access_journal") == journal)
        let after = try await store.read(record.id)
        #expect(after.snapshot.version == record.snapshot.version + 1)
        #expect(after.snapshot.tasks.map(\.id) == [task.id], "the stale hand-over closed the task")
        try await StoreCaseTests.expectInvariant(database)
    }

    @Test("a task claimed between a change's read and its write is not closed behind its holder's back")
    func claimedMeanwhile() async throws {
        let (database, store) = try await StoreCaseTests.store("claimed")
        defer { database.close() }
        let record = try await Self.caseWithTask(store)
        let (task, stale, now) = try await Self.staleHandOver(store, database, record)
        // A claim does not move the case's version: only the task's holder tells.
        try await TaskStore(database).claim(task.id, by: "agent:alice")
        await #expect { try await Self.write(database, stale, now: now) } throws: { ($0 as? StoreError)?.code == .conflict }
        let after = try await store.read(record.id)
        #expect(after.snapshot.version == record.snapshot.version)
        #expect(after.snapshot.tasks.first?.id == task.id && after.snapshot.tasks.first?.assignee == "agent:alice")
    }

    @Test("changes sent at once without an expected version are each judged on what they find: none lost, none twice")
    func concurrentWithoutVersion() async throws {
        let (database, store) = try await StoreCaseTests.store("concurrent")
        defer { database.close() }
        let record = try await Self.caseWithTask(store)
        // Fewer changes than attempts: each attempt that fails lost to one that was written.
        let texts = (1..<CaseStore.attempts).map { "note \($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for text in texts {
                group.addTask { _ = try await store.apply(Self.note(text), toCase: record.id) }
            }
            try await group.waitForAll()
        }
        let after = try await store.read(record.id)
        #expect(after.snapshot.version == record.snapshot.version + texts.count)
        #expect(after.history.compactMap(\.entry.note).filter { $0.hasPrefix("note ") }.sorted() == texts)
        #expect(Set(after.history.map(\.caseVersion)).isSuperset(of: Set((record.snapshot.version + 1)...after.snapshot.version)))
    }
}
