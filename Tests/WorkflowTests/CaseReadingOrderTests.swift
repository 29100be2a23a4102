import Foundation
import Testing
@testable import Workflow

/// The library's rules for how a case page lists what an agent may do and what happened:
/// the agent's own work first and what ends the case last; people's acts first in the
/// timeline, the engine's bookkeeping of the same change under them.
@Suite("Cases: work order of the actions, the timeline as steps")
struct CaseReadingOrderTests {
    static func access(_ agency: String, _ roles: Set<String>, _ definition: WorkflowDefinition) -> CaseAccess {
        CaseAccess(agent: Agent(id: "\(agency)1", agency: agency, roles: roles, createdAt: Date()), definition: definition)
    }

    @Test("every offer of the four tracks, for an agent of the SRE: its own track first, the others, the withdrawal last")
    func workOrder() throws {
        let driver = try EngineRetirementTests.deposited()
        // The operator may fire everything: every offer, in the engine's order (by name, so the
        // withdrawal came first for every body).
        let all = driver.engine.actions(for: Actors.operatorUser, driver.snapshot)
        #expect(all.first?.action == "desistement")
        #expect(all.filter(\.closesCase).map(\.action) == ["desistement"], "only the withdrawal ends the case here")
        #expect(all.first { $0.track == "sre" }?.queue == "instruction-sre")

        func names(_ actions: [AvailableAction]) -> [String] { actions.map { "\($0.action)@\($0.track ?? "-")" } }
        let sre = Self.access("sre", ["gestionnaire-sre"], driver.engine.definition).inWorkOrder(all, on: driver.snapshot)
        let others = names(all).filter { $0 != "valider-part@sre" && $0 != "desistement@-" }
        #expect(names(sre) == ["valider-part@sre"] + others + ["desistement@-"])

        let rh = names(Self.access("armees", ["gestionnaire-rh"], driver.engine.definition).inWorkOrder(all, on: driver.snapshot))
        #expect(Array(rh.prefix(2)) == ["signaler-lacune@carriere", "valider-part@carriere"] && rh.last == "desistement@-")
    }

    @Test("in liquidation, the work of the agent's queue first, then both decisions and the withdrawal, which end the case")
    func closingLast() throws {
        var driver = try EngineRetirementTests.deposited()
        try driver.apply(.override(state: "liquidation", track: nil), note: "test")
        let all = driver.engine.actions(for: Actors.operatorUser, driver.snapshot)
        let ordered = Self.access("sre", ["liquidateur-sre"], driver.engine.definition).inWorkOrder(all, on: driver.snapshot)
        #expect(ordered.map(\.action) == ["signaler-statut", "desistement", "liquider", "rejeter"])
        #expect(ordered.map(\.closesCase) == [false, true, true, true])
    }

    static func record(_ sequence: Int64, _ version: Int, _ event: String, actor: String = "agent:rh") -> HistoryRecord {
        HistoryRecord(sequence: sequence, caseVersion: version,
                      entry: HistoryEntry(event: event, actor: actor, waitingOn: "engine", at: Date(timeIntervalSince1970: Double(sequence))))
    }

    @Test("people's entries lead; the bookkeeping of their change follows them, even when written first; nothing is lost")
    func timelineSteps() {
        let history = [
            Self.record(1, 1, "created"), Self.record(2, 1, "entered"),
            Self.record(3, 2, "action"), Self.record(4, 2, "entered"), Self.record(5, 2, "routed"),
            Self.record(6, 2, "track-opened"), Self.record(7, 2, "task-opened"),
            // A claim does not change the version: it takes none of the change before it.
            Self.record(8, 2, "task-claimed"),
            // A timer fires: no person, the timer leads its change.
            Self.record(9, 3, "timer", actor: "system"), Self.record(10, 3, "escalated", actor: "system"),
            Self.record(11, 3, "task-opened", actor: "system"),
            // A hand-over closes the task before it records itself.
            Self.record(12, 4, "task-closed"), Self.record(13, 4, "handed-over"), Self.record(14, 4, "task-opened"),
            Self.record(15, 5, "note"),
        ]
        let steps = CaseTimeline.steps(history)
        #expect(steps.map(\.lead.entry.event) == ["created", "action", "task-claimed", "timer", "handed-over", "note"])
        #expect(steps.map { $0.followers.map(\.entry.event) } == [
            ["entered"], ["entered", "routed", "track-opened", "task-opened"], [], ["escalated", "task-opened"],
            ["task-closed", "task-opened"], [],
        ])
        #expect(steps.flatMap { [$0.lead] + $0.followers }.map(\.sequence).sorted() == history.map(\.sequence))
    }
}
