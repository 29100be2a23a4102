import Foundation
import Testing
@testable import Workflow
@testable import WorkflowServer

/// Legal clocks through the store and the door: written with the change that starts them,
/// read back with the case, and shown by the API's case read, the portal and the case page.
@Suite("Store: legal clocks kept with the case and shown")
struct StoreClockTests {
    static let operatorCaller = CaseCaller.operatorUser("test", via: "test")

    @Test("a student grant's examination clock starts in instruction, is suspended by a request for documents, and is shown")
    func grantClock() async throws {
        let (database, store) = try await StoreCaseTests.store("clocks")
        defer { database.close() }
        let created = try await store.create(workflowID: "bourse-sur-criteres-sociaux", data: EngineGrantTests.data,
                                             actor: StoreCaseTests.operatorActor)
        _ = try await StoreCaseTests.act(store, created.id, "valider-dse", data: EngineGrantTests.dse())
        var record = try await store.read(created.id)
        #expect(record.snapshot.state == "instruction")
        let run = try #require(record.snapshot.clocks.first { $0.name == "examen" })
        #expect(run.status == .running && run.dueAt != nil)
        #expect(record.snapshot.timers.contains { $0.kind == .clockExpiry && $0.state == "examen" && abs($0.dueAt.timeIntervalSince(run.dueAt!)) < 0.001 }, "the expiry timer, at the due date (kept to the millisecond in the clock)")
        #expect(record.history.contains { $0.entry.event == "clock" && $0.entry.name == "examen" && $0.entry.reason == "started" })

        let door = CaseService(database: database, catalog: WorkflowCatalog(WorkflowRepository(database)))
        var reading = try await door.read(created.id, by: Self.operatorCaller)
        let shown = try #require(CaseView.json(reading).value(at: "clocks")?.arrayValue?.first)
        #expect(shown.value(at: "name") == "examen" && shown.value(at: "status") == "running")
        #expect(shown.value(at: "days_left")?.numberValue?.int.map { (27...31).contains($0) } == true)
        let explanation = shown.value(at: "explanation")?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(explanation.first?.hasPrefix("« Délai d'examen du dossier complet » : 1 mois, à compter du ") == true, "\(explanation)")
        let portal = try #require(PortalView.json(reading).value(at: "clocks")?.arrayValue?.first)
        #expect(portal.value(at: "label") == "Délai d'examen du dossier complet" && portal.value(at: "silence") == "none")

        // Documents asked: suspended, its timer gone, the portal's words name the public label.
        _ = try await StoreCaseTests.act(store, created.id, "demander-complement", note: "avis d'imposition illisible")
        record = try await store.read(created.id)
        #expect(record.snapshot.clocks.first { $0.name == "examen" }?.status == .suspended)
        #expect(!record.snapshot.timers.contains { $0.kind.isClock })
        reading = try await door.read(created.id, by: Self.operatorCaller)
        let words = PortalView.json(reading).value(at: "clocks")?.arrayValue?.first?.value(at: "explanation")?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(words.contains { $0.contains("(« Dossier social étudiant à compléter »)") }, "\(words)")
        try await StoreCaseTests.expectInvariant(database)
    }

    @Test("supervision: the clocks falling due, and the grant silence decided once its clock expired")
    func report() async throws {
        let (database, store) = try await StoreCaseTests.store("clocks-report")
        defer { database.close() }
        let created = try await store.create(workflowID: "bourse-sur-criteres-sociaux", data: EngineGrantTests.data,
                                             actor: StoreCaseTests.operatorActor)
        _ = try await StoreCaseTests.act(store, created.id, "valider-dse", data: EngineGrantTests.dse())
        _ = try await StoreCaseTests.act(store, created.id, "valider-pieces", data: EngineGrantTests.pieces(distancePoints: 1))
        _ = try await StoreCaseTests.act(store, created.id, "confirmer-inscription",
                                         data: ["pieces": ["certificat_scolarite": EngineFixtures.document("certificat", issuer: "etablissement")]])
        var record = try await store.read(created.id)
        #expect(record.snapshot.state == "verification-inscription")
        let report = ClockReport(database, catalog: WorkflowCatalog(WorkflowRepository(database)))
        let now = Date()
        var result = try await report.run(ClockReport.Filter(until: now.addingTimeInterval(70 * 86_400), from: now.addingTimeInterval(-86_400)),
                                          scope: .everything)
        #expect(result.expiring.map(\.clock) == ["notification"], "the examination clock stopped at the scale; the notification one runs")
        #expect(result.expiringByWorkflow == ["bourse-sur-criteres-sociaux": 1] && result.decidedBySilence.isEmpty)
        let narrow = try await report.run(ClockReport.Filter(until: now.addingTimeInterval(30 * 86_400), from: now), scope: .everything)
        #expect(narrow.expiring.isEmpty, "due in two months, not within 30 days")
        // The worker fires the expiry: the case is decided by silence.
        let expiry = try #require(record.snapshot.timers.first { $0.kind == .clockExpiry && $0.state == "notification" })
        _ = try await store.apply(CaseEvent(.timerFired(timerID: expiry.id), actor: .engine), toCase: created.id)
        record = try await store.read(created.id)
        #expect(record.snapshot.state == "accord-tacite" && record.snapshot.status == .closed(outcome: "accepted"))
        result = try await report.run(ClockReport.Filter(until: now.addingTimeInterval(70 * 86_400), from: now.addingTimeInterval(-86_400)),
                                      scope: .everything)
        #expect(result.expiring.isEmpty)
        #expect(result.decidedBySilence.map(\.state) == ["accord-tacite"] && result.decidedBySilence.first?.silence == "accord")
        #expect(try await report.run(ClockReport.Filter(until: now, from: now), scope: .only([])).decidedBySilence.isEmpty)
    }
}
