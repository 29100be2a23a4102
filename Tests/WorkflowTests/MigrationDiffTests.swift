import Foundation
import Testing
@testable import Workflow

/// The pure parts of a migration: the diff of two versions, the mapping, and the misfits a
/// database test does not reach (a state that changed kind, a legal clock that is gone).
@Suite("Migration: diff, mapping and misfits")
struct MigrationDiffTests {
    typealias Fixture = MigrationTestWorkflow

    @Test("the diff names what was added, removed and changed, with the attributes that differ")
    func diff() throws {
        let diff = WorkflowDiff(from: try EngineFixtures.workflow(Fixture.source(version: 1)),
                                to: try EngineFixtures.workflow(Fixture.source(version: 3)))
        func change(_ section: WorkflowDiff.Section, _ name: String) -> WorkflowDiff.Change? {
            diff.changes.first { $0.section == section && $0.name == name }
        }
        #expect(change(.states, "instruction")?.kind == .removed && change(.states, "examen-dossier")?.kind == .added)
        #expect(change(.tracks, "caf")?.kind == .removed)
        #expect(change(.queues, "accueil")?.differences == [.init(attribute: "sla", from: "10d", to: "5d")])
        #expect(change(.deadlines, "attente")?.differences.first?.to == "40d: to depot")
        #expect(change(.fields, "code")?.differences == [.init(attribute: "pattern", from: nil, to: "^[A-Z]{2}$")])
        #expect(diff.json.value(at: "identical") == false && diff.text.contains("~ accueil"))
        let same = try EngineFixtures.workflow(Fixture.source(version: 2))
        #expect(WorkflowDiff(from: same, to: same).isEmpty)
    }

    @Test("a mapping is read as OLD=NEW, a track's state as TRACK.STATE; malformed and repeated items are all reported")
    func mapping() throws {
        let mapping = try StateMapping(parsing: ["instruction=examen-dossier", "caf.examen=caf.verification"])
        #expect(mapping.main("instruction") == "examen-dossier" && mapping.main("depot") == "depot")
        #expect(mapping.track("caf", "examen") == "verification")
        #expect(throws: MappingError.self) { try StateMapping(parsing: ["sans-egal", "a=b", "a=c"]) }
        do {
            _ = try StateMapping(parsing: ["sans-egal", "a=b", "a=c"])
        } catch {
            #expect(error.problems.count == 2)
        }
        let v2 = try EngineFixtures.workflow(Fixture.source(version: 2))
        #expect(StateMapping(["x": "nulle-part", "caf.examen": "fait"]).problems(in: v2).count == 1)
    }

    @Test("a state's SLA that already fell due during this stay is not armed again; one still pending is, from the entry")
    func breachedOnce() throws {
        let old = try EngineFixtures.workflow(Fixture.source(version: 1)), new = try EngineFixtures.workflow(Fixture.source(version: 2))
        let created = try Self.started(on: old, data: ["nom": "Martin"])
        let later = EngineFixtures.monday.addingTimeInterval(21 * 86_400)
        func stateSLAs(_ snapshot: CaseSnapshot) throws -> [CaseTimer] {
            guard case .applied(let change) = WorkflowEngine(definition: new).migrate(snapshot, from: old, mapping: StateMapping(),
                                                                                        actor: Actors.operatorUser, now: later) else {
                Issue.record("the case did not migrate")
                return []
            }
            return change.createdTimers.filter { $0.kind == .stateSLA }
        }
        let pending = try stateSLAs(created.after)
        let due = try #require(WorkflowDuration("15d")).added(to: EngineFixtures.monday, in: .french)
        #expect(pending.count == 1 && pending.first?.dueAt == due)
        var breached = created.after
        breached.timers.removeAll { $0.kind == .stateSLA }
        #expect(try stateSLAs(breached).isEmpty)
    }

    /// Version 1 of a workflow whose legal clock the next versions drop.
    static let clocked = """
        id: k
        version: 1
        agencies: { a: { name: A } }
        roles: { r: { agency: a } }
        queues: { q: { role: r } }
        escalation: { queue: q }
        clocks:
          delai: { duration: 2mo, starts_on: [attente], on_expiry: { to: fin } }
        start: attente
        states:
          attente: { waiting_on: usager, after: [{ delay: 1d, to: fin }] }
          fin: { final: true, outcome: accepted }
        """

    /// A case started on `definition` on Monday, by an operator.
    static func started(on definition: WorkflowDefinition, data: JSONValue = [:]) throws -> CaseChange {
        guard case .applied(let created) = WorkflowEngine(definition: definition)
            .start(caseID: UUID(), data: data, actor: Actors.operatorUser, now: EngineFixtures.monday) else {
            Issue.record("the case was not created")
            throw CancellationError()
        }
        return created
    }

    @Test("a state that became automatic or final, and a running clock that is gone, do not fit")
    func kindAndClock() throws {
        let old = try EngineFixtures.workflow(Self.clocked)
        let new = try EngineFixtures.workflow("""
            id: k
            version: 2
            agencies: { a: { name: A } }
            roles: { r: { agency: a } }
            queues: { q: { role: r } }
            escalation: { queue: q }
            start: attente
            states:
              attente: { choose: [{ when: "true", to: fin }], otherwise: { to: fin } }
              fin: { final: true, outcome: accepted }
            """)
        let created = try Self.started(on: old)
        #expect(created.after.clocks.first?.isLive == true)
        let reasons = WorkflowEngine(definition: new).misfits(of: created.after, from: old, mapping: StateMapping())
        #expect(Set(reasons.map(\.code)) == [.kindChanged, .clockMissing])
    }

    @Test("a clock-missing misfit is settled by an override into the new version: the clock stops, recorded with the cause")
    func overrideStopsMissingClock() throws {
        let old = try EngineFixtures.workflow(Self.clocked)
        let new = try EngineFixtures.workflow("""
            id: k
            version: 2
            agencies: { a: { name: A } }
            roles: { r: { agency: a } }
            queues: { q: { role: r } }
            escalation: { queue: q }
            start: attente
            states:
              attente: { waiting_on: usager, after: [{ delay: 1d, to: fin }] }
              fin: { final: true, outcome: accepted }
            """)
        let created = try Self.started(on: old)
        let engine = WorkflowEngine(definition: new)
        #expect(engine.misfits(of: created.after, from: old, mapping: StateMapping()).map(\.code) == [.clockMissing])
        let outcome = engine.migrate(created.after, from: old, overridingTo: "attente", actor: Actors.operatorUser,
                                     note: "délai supprimé par la nouvelle version", now: EngineFixtures.monday.addingTimeInterval(3_600))
        guard case .applied(let moved) = outcome else {
            Issue.record("the override was refused: \(outcome)")
            return
        }
        #expect(moved.after.workflowVersion == 2)
        let run = try #require(moved.after.clocks.first { $0.name == "delai" })
        #expect(run.status == .stopped && run.endedBy?.contains("version 2") == true)
        #expect(!moved.after.timers.contains { $0.kind.isClock })
        #expect(moved.history.contains { $0.event == "clock" && $0.reason == "stopped" })
    }

    @Test("data under a group of fields the new version no longer has is named by each removed field's own path")
    func removedNestedField() throws {
        func workflow(_ version: Int, _ fields: String) throws -> WorkflowDefinition {
            try EngineFixtures.workflow("""
                id: k
                version: \(version)
                agencies: { a: { name: A } }
                roles: { r: { agency: a } }
                queues: { q: { role: r } }
                escalation: { queue: q }
                fields:
                  nom: { type: string }
                \(fields)
                start: depot
                states:
                  depot: { queue: q, on: { fin: { to: fin } } }
                  fin: { final: true, outcome: accepted }
                """)
        }
        let old = try workflow(1, "  ancien_titre.date_expiration: { type: date }")
        let new = try workflow(2, "")
        let created = try Self.started(on: old, data: ["nom": "Martin", "ancien_titre": ["date_expiration": "2030-01-01"]])
        let reasons = WorkflowEngine(definition: new).misfits(of: created.after, from: old, mapping: StateMapping())
        #expect(reasons.map(\.code) == [.invalidData])
        #expect(reasons.first?.field == "ancien_titre.date_expiration")
        #expect(reasons.first?.message.contains("'ancien_titre.date_expiration'") == true)
    }

    @Test("a request under way that the new version does not know is a misfit; one answered is not")
    func requestUnderWay() throws {
        let source = { (version: Int) in """
            id: k
            version: \(version)
            agencies: { a: { name: A } }
            roles: { r: { agency: a } }
            queues: { q: { role: r } }
            escalation: { queue: q }
            start: attente
            states:
              attente: { waiting_on: usager, after: [{ delay: 1d, to: fin }] }
              fin: { final: true, outcome: accepted }
            """ }
        let old = try EngineFixtures.workflow(source(1))
        let new = try EngineFixtures.workflow(source(2))
        let created = try Self.started(on: old)
        var snapshot = created.after
        #expect(WorkflowEngine(definition: new).misfits(of: snapshot, from: old, mapping: StateMapping()).isEmpty)
        snapshot.requests = [RequestRun(id: UUID(), request: "acte", agency: "etat-civil", field: "pieces.acte", state: "attente",
                                        track: nil, status: .sent, openedAt: EngineFixtures.monday, dueAt: nil)]
        let reasons = WorkflowEngine(definition: new).misfits(of: snapshot, from: old, mapping: StateMapping())
        #expect(reasons.map(\.code) == [.requestOpen])
        #expect(reasons.first?.message.contains("'acte'") == true)
        snapshot.requests[0].status = .answered
        #expect(WorkflowEngine(definition: new).misfits(of: snapshot, from: old, mapping: StateMapping()).isEmpty)
    }
}
