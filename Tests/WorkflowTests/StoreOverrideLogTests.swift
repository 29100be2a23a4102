import Foundation
import Testing
@testable import Workflow

/// The override log read back from real case histories in PostgreSQL.
@Suite("Overrides in PostgreSQL")
struct StoreOverrideLogTests {
    static let operatorActor = StoreCaseTests.operatorActor

    static func override(_ store: CaseStore, _ id: UUID, to state: String, track: String? = nil,
                         note: String?) async throws -> CaseRecord {
        try await store.apply(CaseEvent(.override(state: state, track: track), actor: operatorActor, note: note), toCase: id)
    }

    static func passport(_ store: CaseStore) async throws -> UUID {
        try await store.create(workflowID: "passeport-identite", data: StoreCaseTests.passportData, actor: operatorActor).id
    }

    static func example(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: Repository.file("docs/examples/\(name).json")))
    }

    @Test("overrides are listed newest first, with workflow, actor, states and note; nothing else is")
    func newestFirst() async throws {
        let (database, store) = try await StoreCaseTests.store("overrides")
        defer { database.close() }
        let first = try await Self.passport(store)
        let raised = try await store.apply(CaseEvent(.raise(reason: "agent-raised", track: nil), actor: Self.operatorActor,
                                                     note: "Rendez-vous pris hors ANTS"), toCase: first)
        #expect(raised.snapshot.isEscalated)
        let overridden = try await Self.override(store, first, to: "instruction", note: "Pièces vérifiées au guichet")
        #expect(overridden.snapshot.state == "instruction" && !overridden.snapshot.isEscalated)
        let second = try await Self.passport(store)
        _ = try await Self.override(store, second, to: "attente-pieces", note: "Acte de naissance à fournir")

        let log = try await OverrideLog(database).list(.init())
        #expect(log.map(\.caseID) == [second, first])
        let entry = try #require(log.last)
        #expect(entry.workflowID == "passeport-identite" && entry.workflowVersion == 1)
        #expect(entry.actor == "cli:test" && entry.fromState == "pre-demande" && entry.toState == "instruction")
        #expect(entry.note == "Pièces vérifiées au guichet" && entry.track == nil && !entry.reopened)
        #expect(entry.caseVersion == overridden.snapshot.version)
        #expect(entry.at == overridden.history.first { $0.entry.event == "override" }?.entry.at)
        #expect(log[0].at >= log[1].at && log[0].sequence > log[1].sequence)
    }

    @Test("an override refused for want of a note writes nothing and is not listed")
    func refusedWithoutNote() async throws {
        let (database, store) = try await StoreCaseTests.store("override-no-note")
        defer { database.close() }
        let id = try await Self.passport(store)
        for note: String? in [nil, "", "  \n"] {
            await #expect {
                _ = try await Self.override(store, id, to: "instruction", note: note)
            } throws: { error in
                (error as? StoreError)?.refusal?.code == .noteRequired
            }
        }
        #expect(try await OverrideLog(database).list(.init()).isEmpty)
        #expect(try await store.read(id).snapshot.version == 1)
    }

    @Test("a closed case reopened by an override is listed as reopened, with the outcome it had")
    func reopened() async throws {
        let (database, store) = try await StoreCaseTests.store("override-reopen")
        defer { database.close() }
        let id = try await Self.passport(store)
        let closed = try await StoreCaseTests.act(store, id, "annuler-demande", note: "doublon")
        #expect(closed.snapshot.status == .closed(outcome: "withdrawn"))
        let reopened = try await Self.override(store, id, to: "instruction", note: "Recours gracieux : l'annulation était une erreur")
        #expect(reopened.snapshot.status == .open && reopened.snapshot.state == "instruction")
        try await StoreCaseTests.expectInvariant(database)

        let entry = try #require(try await OverrideLog(database).list(.init()).first)
        #expect(entry.caseID == id && entry.reopened && entry.reopenedFromOutcome == "withdrawn")
        #expect(entry.fromState == "demande-annulee" && entry.toState == "instruction")
    }

    @Test("a track's override names its track and the track's states")
    func trackOverride() async throws {
        let (database, store) = try await StoreCaseTests.store("override-track")
        defer { database.close() }
        let id = try await store.create(workflowID: "retraite-multi-statuts", data: try Self.example("retraite"),
                                        actor: Self.operatorActor).id
        let deposited = try await StoreCaseTests.act(store, id, "deposer", data: try Self.example("retraite-depot"))
        #expect(deposited.snapshot.state == "instruction-parts")
        _ = try await Self.override(store, id, to: "part-cnracl-validee", track: "cnracl",
                                    note: "Part confirmée par courrier de la CNRACL")

        let entry = try #require(try await OverrideLog(database).list(.init(workflowID: "retraite-multi-statuts")).first)
        #expect(entry.track == "cnracl" && entry.fromState == "attente-cnracl" && entry.toState == "part-cnracl-validee")
        #expect(entry.workflowID == "retraite-multi-statuts" && !entry.reopened)
    }

    @Test("filters: by workflow, since a time (inclusive), and a limit")
    func filters() async throws {
        let (database, store) = try await StoreCaseTests.store("override-filters")
        defer { database.close() }
        for state in ["instruction", "attente-pieces", "fabrication"] {
            _ = try await Self.override(store, try await Self.passport(store), to: state, note: "Reprise de dossier")
        }
        let log = OverrideLog(database)
        let all = try await log.list(.init(workflowID: "passeport-identite"))
        #expect(all.map(\.toState) == ["fabrication", "attente-pieces", "instruction"])
        #expect(try await log.list(.init(workflowID: "bourse-sur-criteres-sociaux")).isEmpty)
        #expect(try await log.list(.init(limit: 2)).map(\.sequence) == all.prefix(2).map(\.sequence))
        #expect(try await log.list(.init(limit: 0)).count == 1)

        let newest = try #require(all.first)
        #expect(try await log.list(.init(since: newest.at)).map(\.sequence) == [newest.sequence])
        #expect(try await log.list(.init(since: newest.at.addingTimeInterval(0.001))).isEmpty)
        #expect(try await log.list(.init(since: Date(timeIntervalSinceNow: -86_400))).count == 3)
    }
}
