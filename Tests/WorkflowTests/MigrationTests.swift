import Foundation
import PostgresNIO
import Testing
@testable import Workflow

/// Moving running cases to a new version of their workflow, through the door and PostgreSQL:
/// each kind of state, each kind of misfit, a dry run, and migrations racing each other.
@Suite("Migrating cases to a new version")
struct MigrationTests {
    typealias Fixture = MigrationTestWorkflow

    static func expectInvariant(_ database: Database, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        #expect(try await OwnerInvariant(database).casesWithoutOwner() == [], sourceLocation: sourceLocation)
    }

    /// Whether `due` is `duration` after `start`, to the database's microsecond.
    static func same(_ due: Date?, _ duration: String, after start: Date) throws -> Bool {
        let expected = try #require(WorkflowDuration(duration)).added(to: start, in: .french)
        return due.map { abs($0.timeIntervalSince(expected)) < 0.000_01 } ?? false
    }

    static func item(_ report: MigrationReport, _ id: UUID) -> MigrationReport.Item? {
        report.items.first { $0.caseID == id }
    }

    @Test("a human state's case moves: its task follows the new queue SLA from when it opened, its state SLA counts from its entry")
    func humanState() async throws {
        let (database, door, store) = try await Fixture.setUp("migrhuman")
        defer { database.close() }
        let id = try await Fixture.create(store)
        try await TaskStore(database).claim(try #require(try await store.snapshot(id).tasks.first).id, by: "agent:anne")
        let before = try await store.snapshot(id)
        let task = try #require(before.tasks.first)

        let report = try await door.migrate(Fixture.request(2), by: Fixture.caller)
        #expect(Self.item(report, id)?.outcome == .migrated)

        let record = try await store.withHistory(try await store.read(id))
        let after = record.snapshot
        #expect(after.workflowVersion == 2 && after.state == "depot" && after.version == before.version + 1)
        let moved = try #require(after.tasks.first)
        #expect(after.tasks.count == 1 && moved.queue == "accueil" && moved.openedAt == task.openedAt)
        #expect(moved.id != task.id && moved.assignee == "agent:anne", "reopened with its new due time, its holder kept")
        #expect(try Self.same(moved.slaDueAt, "5d", after: task.openedAt))
        let sla = try #require(after.timers.first { $0.kind == .stateSLA })
        #expect(try Self.same(sla.dueAt, "15d", after: before.enteredStateAt))
        #expect(after.timers.contains { $0.kind == .queueSLA && $0.taskID == moved.id })
        #expect(after.enteredStateAt == before.enteredStateAt)
        let migrated = try #require(record.history.last { $0.entry.event == "migrated" }?.entry)
        #expect(migrated.context?.value(at: "from_version")?.numberValue?.int == 1)
        #expect(migrated.context?.value(at: "to_version")?.numberValue?.int == 2)
        #expect(migrated.toState == nil)
        try await Self.expectInvariant(database)
    }

    @Test("a wait state's case moves with its timed exit counted from its entry, and an escalated case keeps its escalation")
    func waitAndEscalated() async throws {
        let (database, door, store) = try await Fixture.setUp("migrwait")
        defer { database.close() }
        let waiting = try await Fixture.create(store, actions: ["attendre"])
        let escalated = try await Fixture.create(store)
        _ = try await store.apply(CaseEvent(.raise(reason: "agent-raised", track: nil), actor: Fixture.operatorActor, note: "pièce douteuse"),
                                  toCase: escalated)
        let waitBefore = try await store.snapshot(waiting)

        let report = try await door.migrate(Fixture.request(2), by: Fixture.caller)
        #expect(Self.item(report, waiting)?.outcome == .migrated && Self.item(report, escalated)?.outcome == .migrated)

        let wait = try await store.snapshot(waiting)
        #expect(wait.workflowVersion == 2 && wait.state == "attente" && wait.tasks.isEmpty)
        let exit = try #require(wait.timers.first { $0.kind == .after })
        #expect(try Self.same(exit.dueAt, "40d", after: waitBefore.enteredStateAt))

        let escalation = try await store.snapshot(escalated)
        #expect(escalation.workflowVersion == 2 && escalation.isEscalated)
        #expect(escalation.tasks.contains { $0.escalation?.reason == "agent-raised" && $0.queue == "escalades" })
        #expect(escalation.tasks.contains { $0.escalation == nil && $0.queue == "accueil" })
        try await Self.expectInvariant(database)
    }

    @Test("a parallel state's case moves with its tracks, their tasks and timers; a state renamed through the mapping")
    func parallelAndMapping() async throws {
        let (database, door, store) = try await Fixture.setUp("migrpar")
        defer { database.close() }
        let parallel = try await Fixture.create(store, actions: ["partager"])
        let renamed = try await Fixture.create(store, actions: ["instruire"])
        _ = try await store.apply(CaseEvent(.action(name: "ok", data: nil, track: "mairie"), actor: Fixture.operatorActor), toCase: parallel)
        _ = try await store.apply(CaseEvent(.raise(reason: "agent-raised", track: nil), actor: Fixture.operatorActor, note: "à revoir"),
                                  toCase: renamed)

        let report = try await door.migrate(Fixture.request(2, map: ["instruction": "examen-dossier"]), by: Fixture.caller)
        #expect(Self.item(report, parallel)?.outcome == .migrated)
        #expect(Self.item(report, renamed)?.outcome == .migrated)

        let tracks = try await store.snapshot(parallel)
        #expect(tracks.workflowVersion == 2 && tracks.state == "verifications")
        #expect(tracks.tracks.map(\.track).sorted() == ["caf", "mairie"])
        #expect(tracks.tracks.first { $0.track == "mairie" }?.finished == true)
        #expect(tracks.tasks.map(\.queue) == ["caf"] && tracks.tasks.first?.track == "caf")
        #expect(tracks.timers.contains { $0.kind == .stall && $0.track == nil && $0.state == "verifications" })

        let moved = try await store.read(renamed)
        #expect(moved.snapshot.state == "examen-dossier" && moved.snapshot.tasks.map(\.state) == ["examen-dossier", "examen-dossier"])
        #expect(moved.snapshot.tasks.contains { $0.escalation?.reason == "agent-raised" })
        // The escalation moved with its state: not announced again to the systems outside.
        let rows = try await database.client.query(
            "SELECT count(*)::int FROM case_events WHERE case_id = \(renamed) AND type = 'parcours.case.escalated'", logger: TestDatabase.logger)
        for try await count in rows.decode(Int.self) { #expect(count == 1) }
        // The case works on under its new version.
        _ = try await store.apply(CaseEvent(.action(name: "decider", data: nil, track: nil), actor: Fixture.operatorActor), toCase: renamed)
        #expect(try await store.snapshot(renamed).status == .closed(outcome: "accepted"))
        try await Self.expectInvariant(database)
    }

    @Test("each misfit stays on its version, escalated migration-misfit with its reason; running again opens no second escalation")
    func misfits() async throws {
        let (database, door, store) = try await Fixture.setUp("migrmisfit")
        defer { database.close() }
        let gone = try await Fixture.create(store, actions: ["vieillir"])
        let invalid = try await Fixture.create(store, data: ["nom": "Martin", "code": "abc"])
        let track = try await Fixture.create(store, actions: ["partager"])
        let renamed = try await Fixture.create(store, actions: ["instruire"])

        let report = try await door.migrate(Fixture.request(3), by: Fixture.caller)
        let expected: [(UUID, MisfitReason.Code)] = [(gone, .stateMissing), (invalid, .invalidData), (track, .trackMissing), (renamed, .stateMissing)]
        for (id, code) in expected {
            let item = try #require(Self.item(report, id))
            #expect(item.outcome == .misfit && item.reasons.map(\.code).contains(code), "\(code)")
            let snapshot = try await store.snapshot(id)
            #expect(snapshot.workflowVersion == 1)
            let escalation = try #require(snapshot.tasks.first { $0.escalation?.reason == "migration-misfit" }?.escalation)
            #expect(escalation.context.value(at: "to_version")?.numberValue?.int == 3)
            let reasons = escalation.context.value(at: "reasons")?.arrayValue ?? []
            #expect(reasons.contains { $0.value(at: "code")?.stringValue == code.name })
        }
        #expect(Self.item(report, invalid)?.reasons.first?.field == "code")
        try await Self.expectInvariant(database)

        let dry = try await door.migrate(Fixture.request(3, dryRun: true), by: Fixture.caller)
        #expect(expected.allSatisfy { Self.item(dry, $0.0)?.outcome == .alreadyEscalated })
        let again = try await door.migrate(Fixture.request(3), by: Fixture.caller)
        #expect(expected.allSatisfy { Self.item(again, $0.0)?.outcome == .alreadyEscalated })
        for (id, _) in expected {
            #expect(try await store.snapshot(id).tasks.filter { $0.escalation?.reason == "migration-misfit" }.count == 1)
        }
    }

    @Test("a misfit is settled by an override into a state of the new version, with a justification")
    func settleByOverride() async throws {
        let (database, door, store) = try await Fixture.setUp("migrsettle")
        defer { database.close() }
        let gone = try await Fixture.create(store, actions: ["vieillir"])
        _ = try await door.migrate(Fixture.request(2), by: Fixture.caller)
        #expect(try await store.snapshot(gone).isEscalated)

        await #expect(throws: CaseFailure.self) {
            try await door.migrate(gone, toVersion: 2, overridingTo: "depot", note: " ", expectedVersion: nil, by: Fixture.caller)
        }
        let reading = try await door.migrate(gone, toVersion: 2, overridingTo: "examen-dossier", note: "ancien circuit supprimé",
                                             expectedVersion: nil, by: Fixture.caller)
        let after = reading.record.snapshot
        #expect(after.workflowVersion == 2 && after.state == "examen-dossier" && !after.isEscalated)
        #expect(after.tasks.map(\.queue) == ["accueil"])
        let history = try await store.withHistory(try await store.read(gone)).history.map(\.entry)
        #expect(history.contains { $0.event == "migrated" && $0.note == "ancien circuit supprimé" })
        #expect(history.contains { $0.event == "task-closed" && $0.context?.value(at: "escalation")?.stringValue == "migration-misfit" })
        // Once on the version, an override into it is refused as such, not as a stale version.
        do {
            _ = try await door.migrate(gone, toVersion: 2, overridingTo: "depot", note: "encore", expectedVersion: nil, by: Fixture.caller)
            Issue.record("a case already on the version was moved to it")
        } catch let failure as CaseFailure {
            #expect(failure.code == .refused && failure.refusal == .alreadyOnVersion)
        }
        // Back to an older version: allowed, and said.
        let back = try await door.migrate(Fixture.request(1, map: ["examen-dossier": "instruction"]), by: Fixture.caller)
        #expect(Self.item(back, gone)?.outcome == .migrated && back.backward == 1 && back.text.contains("1 of them back from a later version"))
        try await Self.expectInvariant(database)
    }

    @Test("settling by override: a final state is refused as a request that cannot be done, not a right; data problems carry no pointer into the request")
    func settleRefusals() async throws {
        let (database, door, store) = try await Fixture.setUp("migrsettleno")
        defer { database.close() }
        let invalid = try await Fixture.create(store, data: ["nom": "Martin", "code": "abc"])
        do {
            _ = try await door.migrate(invalid, toVersion: 2, overridingTo: "fin", note: "clos", expectedVersion: nil, by: Fixture.caller)
            Issue.record("a final state was accepted")
        } catch let failure as CaseFailure {
            #expect(failure.code == .refused && failure.refusal?.name == "final-state")
        }
        do {
            _ = try await door.migrate(invalid, toVersion: 3, overridingTo: "depot", note: "reprise", expectedVersion: nil, by: Fixture.caller)
            Issue.record("data invalid under version 3 was accepted")
        } catch let failure as CaseFailure {
            #expect(failure.problems.contains { $0.field == "code" } && failure.problems.allSatisfy { $0.pointer == nil })
        }
    }

    @Test("a migration stopped midway is finished by running it again: the cases already moved are not touched")
    func runAgainFinishes() async throws {
        let (database, door, store) = try await Fixture.setUp("migragain")
        defer { database.close() }
        var ids: [UUID] = []
        for _ in 0..<6 { ids.append(try await Fixture.create(store)) }
        var first = Fixture.request(2)
        first.limit = 2
        let stopped = try await door.migrate(first, by: Fixture.caller)
        #expect(stopped.count(.migrated) == 2 && stopped.remaining == 4)
        let rest = try await door.migrate(Fixture.request(2), by: Fixture.caller)
        #expect(rest.count(.migrated) == 4 && rest.items.count == 4 && rest.remaining == 0)
        #expect(Set(stopped.items.map(\.caseID)).isDisjoint(with: rest.items.map(\.caseID)))
        for id in ids {
            let history = try await store.withHistory(try await store.read(id)).history
            #expect(history.filter { $0.entry.event == "migrated" }.count == 1)
        }
        #expect(try await door.migrate(Fixture.request(2), by: Fixture.caller).items.isEmpty)
        try await Self.expectInvariant(database)
    }

    @Test("paging with a limit goes on after the last case looked at: misfits left on their version do not block it")
    func pagingPastMisfits() async throws {
        let (database, door, store) = try await Fixture.setUp("migrpaging")
        defer { database.close() }
        for _ in 0..<2 { _ = try await Fixture.create(store, actions: ["vieillir"]) }
        for _ in 0..<3 { _ = try await Fixture.create(store) }
        var request = Fixture.request(2)
        request.limit = 1
        var outcomes: [MigrationReport.Outcome] = []
        var calls = 0
        while calls < 10 {
            calls += 1
            let report = try await door.migrate(request, by: Fixture.caller)
            outcomes += report.items.map(\.outcome)
            #expect(report.remaining == 0 || report.after == report.items.last?.caseID)
            if report.remaining == 0 { break }
            request.after = report.after
        }
        #expect(calls == 5)
        #expect(outcomes.filter { $0 == .migrated }.count == 3 && outcomes.filter { $0 == .misfit }.count == 2)
        // From the start again, the misfits are all that is left, already escalated.
        let again = try await door.migrate(Fixture.request(2), by: Fixture.caller)
        #expect(again.items.count == 2 && again.count(.alreadyEscalated) == 2 && again.remaining == 0)
    }

    @Test("a spent time budget stops the call after the case in hand: the rest is remaining, with where to go on from")
    func budgetStops() async throws {
        let (database, door, store) = try await Fixture.setUp("migrbudget")
        defer { database.close() }
        for _ in 0..<3 { _ = try await Fixture.create(store) }
        var request = Fixture.request(2)
        request.budget = .zero
        let first = try await door.migrate(request, by: Fixture.caller)
        #expect(first.count(.migrated) == 1 && first.remaining == 2 && first.after == first.items.first?.caseID)
        request.budget = nil
        request.after = first.after
        let rest = try await door.migrate(request, by: Fixture.caller)
        #expect(rest.count(.migrated) == 2 && rest.remaining == 0 && rest.after == nil)
    }

    @Test("a misfit migrated again to a later version keeps its one open migration-misfit escalation")
    func oneEscalationAcrossVersions() async throws {
        let (database, door, store) = try await Fixture.setUp("migronce")
        defer { database.close() }
        let gone = try await Fixture.create(store, actions: ["vieillir"])
        #expect(Self.item(try await door.migrate(Fixture.request(2), by: Fixture.caller), gone)?.outcome == .misfit)
        #expect(Self.item(try await door.migrate(Fixture.request(3, dryRun: true), by: Fixture.caller), gone)?.outcome == .alreadyEscalated)
        #expect(Self.item(try await door.migrate(Fixture.request(3), by: Fixture.caller), gone)?.outcome == .alreadyEscalated)
        let escalations = try await store.snapshot(gone).tasks.filter { $0.escalation?.reason == "migration-misfit" }
        #expect(escalations.count == 1)
        #expect(escalations.first?.escalation?.context.value(at: "to_version")?.numberValue?.int == 2)
        try await Self.expectInvariant(database)
    }

    @Test("a dry run says who fits and why not, and changes nothing")
    func dryRun() async throws {
        let (database, door, store) = try await Fixture.setUp("migrdry")
        defer { database.close() }
        let fits = try await Fixture.create(store)
        let gone = try await Fixture.create(store, actions: ["vieillir"])
        let before = [try await store.snapshot(fits), try await store.snapshot(gone)]

        let report = try await door.migrate(Fixture.request(2, dryRun: true), by: Fixture.caller)
        #expect(report.dryRun && Self.item(report, fits)?.outcome == .fits)
        #expect(Self.item(report, gone)?.outcome == .misfit && Self.item(report, gone)?.reasons.first?.code == .stateMissing)
        #expect([try await store.snapshot(fits), try await store.snapshot(gone)] == before)
    }

    @Test("a mapping to no state, and a caller who is neither designer nor supervisor, are refused before any case")
    func refusals() async throws {
        let (database, door, store) = try await Fixture.setUp("migrrefuse")
        defer { database.close() }
        let id = try await Fixture.create(store)
        await #expect(throws: CaseFailure.self) {
            try await door.migrate(Fixture.request(2, map: ["instruction": "nulle-part", "inconnu": "depot"]), by: Fixture.caller)
        }
        do {
            _ = try await door.migrate(Fixture.request(2, map: ["instruction": "nulle-part", "inconnu": "depot"]), by: Fixture.caller)
        } catch let failure as CaseFailure {
            #expect(failure.code == .invalid && failure.problems.count == 2)
        }
        let agent = Agent(id: "anne", agency: "mairie", roles: ["agent"], createdAt: Date())
        await #expect(throws: CaseFailure.self) {
            try await door.migrate(Fixture.request(2), by: .agent(agent, via: "test"))
        }
        let designer = Agent(id: "dora", agency: "mairie", roles: [], designer: true, createdAt: Date())
        let report = try await door.migrate(Fixture.request(2), by: .agent(designer, via: "test"))
        #expect(Self.item(report, id)?.outcome == .migrated)
    }

    @Test("two migrations at once, with agents acting meanwhile, move each case once and leave every case consistent")
    func concurrentMigrations() async throws {
        let (database, door, store) = try await Fixture.setUp("migrrace")
        defer { database.close() }
        var ids: [UUID] = []
        for index in 0..<40 { ids.append(try await Fixture.create(store, actions: index % 2 == 0 ? [] : ["partager"])) }
        async let first = door.migrate(Fixture.request(2), by: Fixture.caller)
        async let second = door.migrate(Fixture.request(2), by: Fixture.caller)
        async let agents: Void = {
            for id in ids.prefix(20) where ids.firstIndex(of: id)! % 2 == 0 {
                _ = try? await store.apply(CaseEvent(.action(name: "attendre", data: nil, track: nil), actor: Fixture.operatorActor), toCase: id)
            }
        }()
        let (a, b, _) = try await (first, second, agents)
        for id in ids {
            let outcomes = [Self.item(a, id)?.outcome, Self.item(b, id)?.outcome].compactMap { $0 }
            #expect(outcomes.filter { $0 == .migrated }.count == 1, "\(outcomes)")
            let record = try await store.withHistory(try await store.read(id))
            #expect(record.snapshot.workflowVersion == 2)
            #expect(record.history.filter { $0.entry.event == "migrated" }.count == 1)
            // Every timer and task names a state of the version the case is on.
            let definition = try await door.rules(Fixture.caller, workflow: "migration-test", version: 2).definition
            for task in record.snapshot.tasks where task.track == nil { #expect(definition.state(task.state) != nil) }
        }
        try await Self.expectInvariant(database)
    }
}
