import Foundation
import Testing
@testable import Workflow

@Suite("Tasks and case lists in PostgreSQL")
struct StoreTaskTests {
    @Test("an inbox lists open tasks; claim, release and assign are recorded in the history")
    func claimAndAssign() async throws {
        let (database, store) = try await StoreCaseTests.store("tasks")
        defer { database.close() }
        var data = StoreCaseTests.passportData
        try data.setValue("AB12345678", at: "demande.numero_predemande")
        let created = try await store.create(workflowID: "passeport-identite", data: data, actor: StoreCaseTests.operatorActor)
        let appointment = String(RFC3339.format(Date().addingTimeInterval(10 * 86_400), in: TimeZone(identifier: "UTC")!).prefix(10))
        _ = try await StoreCaseTests.act(store, created.id, "prendre-rendez-vous", data: ["recueil": ["date_rendez_vous": .string(appointment)]])

        let tasks = TaskStore(database)
        let inbox = try await tasks.open(queues: ["recueil-titres"])
        #expect(inbox.count == 1 && inbox.first?.caseID == created.id && inbox.first?.caseState == "recueil")
        let taskID = try #require(inbox.first?.task.id)

        try await tasks.claim(taskID, by: "agent:alice")
        try await tasks.claim(taskID, by: "agent:alice")  // claiming twice is harmless
        await #expect { try await tasks.claim(taskID, by: "agent:bob") } throws: { ($0 as? StoreError)?.code == .conflict }
        await #expect { try await tasks.release(taskID, by: "agent:bob") } throws: { ($0 as? StoreError)?.code == .conflict }
        try await tasks.release(taskID, by: "agent:alice")
        try await tasks.assign(taskID, to: "agent:bob", by: "agent:chef")
        #expect(try await tasks.open(queues: ["recueil-titres"]).first?.task.assignee == "agent:bob")
        await #expect { try await tasks.claim(UUID(), by: "agent:alice") } throws: { ($0 as? StoreError)?.code == .notFound }

        let events = try await store.read(created.id).history.map(\.entry.event)
        #expect(events.filter { $0.hasPrefix("task-") && $0 != "task-opened" } == ["task-claimed", "task-claimed", "task-released", "task-assigned"])
        try await StoreCaseTests.expectInvariant(database)
    }

    @Test("cases are listed by filter, a page at a time")
    func list() async throws {
        let (database, store) = try await StoreCaseTests.store("list")
        defer { database.close() }
        var ids: [UUID] = []
        for _ in 0..<5 {
            ids.append(try await store.create(workflowID: "passeport-identite", data: StoreCaseTests.passportData,
                                              actor: StoreCaseTests.operatorActor).id)
        }
        _ = try await store.apply(CaseEvent(.action(name: "annuler-demande", data: nil, track: nil),
                                            actor: StoreCaseTests.operatorActor, note: "doublon"), toCase: ids[0])
        let open = try await store.list(.init(workflowID: "passeport-identite", openOnly: true))
        #expect(Set(open.map(\.id)) == Set(ids.dropFirst()))
        #expect(open.allSatisfy { $0.state == "pre-demande" && $0.whoseMove == ["usager"] })
        let firstPage = try await store.list(.init(limit: 2))
        let secondPage = try await store.list(.init(after: firstPage.last?.id, limit: 10))
        #expect(firstPage.count == 2 && secondPage.count == 3)
        #expect(Set((firstPage + secondPage).map(\.id)) == Set(ids))
        #expect(try await store.list(.init(workflowID: "retraite-multi-statuts")).isEmpty)
    }
}
