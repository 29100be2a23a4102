import Foundation
import Testing
@testable import Workflow

/// Missing data is unknown, not false: in guards, `choose` rules and tracks' `when`, and how
/// evaluating again resolves what it raised.
@Suite("Engine: unknown data and evaluating again")
struct EngineUnknownTests {
    typealias Mini = MiniWorkflow

    @Test("a choose whose first rule is unknown escalates missing-data naming the field and the rule")
    func chooseUnknown() throws {
        var driver = try Mini.driver()
        try driver.act("orienter", by: Mini.mairie)
        #expect(driver.snapshot.state == "tri")
        let task = try driver.escalation("missing-data")
        #expect(task.queue == "escalades")
        #expect(task.escalation?.context.value(at: "field") == "statut")
        #expect(task.escalation?.context.value(at: "rule") == 1)
    }

    @Test("a correction then evaluating again routes the case and closes the missing-data escalation")
    func correctThenEvaluate() throws {
        var driver = try Mini.driver()
        try driver.act("orienter", by: Mini.mairie)
        let escalation = try driver.escalation("missing-data")
        try driver.apply(.correctData(["statut": "a"]), by: Mini.superviseur, note: "statut vérifié")
        #expect(driver.snapshot.state == "tri")
        #expect(driver.lastChange.history.first?.dataDiff == ["statut": ["from": .null, "to": "a"]])
        try driver.apply(.evaluateAgain, by: Mini.superviseur)
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.lastChange.closedTasks.map(\.id).contains(escalation.id))
        #expect(driver.escalations.isEmpty)
    }

    @Test("evaluating again with the data still missing keeps the one escalation, without duplicating it")
    func evaluateStillMissing() throws {
        var driver = try Mini.driver()
        try driver.act("orienter", by: Mini.mairie)
        let escalation = try driver.escalation("missing-data")
        try driver.apply(.evaluateAgain, by: Mini.superviseur)
        #expect(driver.snapshot.tasks.map(\.id) == [escalation.id])
        #expect(driver.lastChange.openedTasks.isEmpty && driver.lastChange.closedTasks.isEmpty)
    }

    @Test("a rule that escalates on a known value: no-rule-matched becomes the rule's exception after a correction")
    func noRuleMatched() throws {
        var driver = try Mini.driver()
        try driver.act("orienter", ["statut": "c"], by: Mini.mairie)
        let task = try driver.escalation("no-rule-matched")
        let rules = try #require(task.escalation?.context.value(at: "rules")?.arrayValue)
        #expect(rules.count == 2)
        #expect(rules[0].value(at: "values")?.value(at: "statut") == "c")
        try driver.apply(.correctData(["statut": "b"]), by: Mini.superviseur)
        try driver.apply(.evaluateAgain, by: .engine)
        #expect(driver.escalations == ["retard"])
        #expect(try driver.escalation("retard").queue == "escalades")
        #expect(driver.snapshot.state == "tri")
    }

    @Test("a pending engine step evaluates again like a person's request")
    func stepTimer() throws {
        var driver = try Mini.driver()
        try driver.act("orienter", by: Mini.mairie)
        try driver.apply(.correctData(["statut": "a"]), by: Mini.superviseur)
        // The store may schedule an engine step after a correction; the engine treats it as evaluate again.
        driver.snapshot.timers.append(CaseTimer(id: UUID(), kind: .step, state: "tri", dueAt: driver.now))
        try driver.fire(.step)
        #expect(driver.snapshot.state == "instruction")
    }

    @Test("Kleene logic in a guard: a false side decides even when the other is unknown")
    func kleeneGuard() throws {
        let text = MiniWorkflow.text.replacingOccurrences(
            of: "verifier: { to: instruction, when: \"age >= 18\" }",
            with: "verifier: { to: instruction, when: 'exists(statut) and statut == \"a\" or age >= 18' }")
        var driver = try CaseDriver(EngineFixtures.workflow(text), data: ["nom": "Dupont"])
        // statut absent: exists() is false, so the left side is false (not unknown); age unknown → unknown.
        #expect(driver.refusal(.action(name: "verifier", data: nil, track: nil), by: Mini.mairie)?.field == "age")
        // statut "a": true or unknown is true.
        try driver.act("verifier", ["statut": "a"], by: Mini.mairie)
        #expect(driver.snapshot.state == "instruction")
    }

    @Test("a track's unknown 'when' leaves it undecided with missing-data; evaluating again opens it")
    func trackWhenUnknown() throws {
        var driver = try Mini.driver(["nom": "Dupont"])
        try driver.act("paralleliser", by: Mini.mairie)
        #expect(driver.trackStates == ["t1:t1-attente"])
        let task = try driver.escalation("missing-data")
        #expect(task.escalation?.context.value(at: "track") == "t2")
        #expect(task.escalation?.context.value(at: "field") == "age")
        #expect(task.track == nil && task.state == "parallele")
        // t1 finishing alone does not satisfy the join: t2 is undecided.
        try driver.act("finir", track: "t1", by: Mini.mairie)
        #expect(driver.snapshot.state == "parallele")
        try driver.apply(.correctData(["age": 70]), by: Mini.superviseur)
        try driver.apply(.evaluateAgain, by: Mini.superviseur)
        #expect(driver.trackStates == ["t1:t1-fin!", "t2:t2-attente"])
        #expect(driver.escalations.isEmpty)
        try driver.act("finir", by: Actors.agent("p2", agency: "prefecture"))
        #expect(driver.snapshot.state == "instruction")
    }

    @Test("a track decided false after a correction lets the join happen")
    func trackDecidedFalse() throws {
        var driver = try Mini.driver(["nom": "Dupont"])
        try driver.act("paralleliser", by: Mini.mairie)
        try driver.act("finir", track: "t1", by: Mini.mairie)
        try driver.apply(.correctData(["age": 30]), by: Mini.superviseur)
        let change = try driver.apply(.evaluateAgain, by: Mini.superviseur)
        #expect(change.history.contains { $0.event == "track-skipped" && $0.track == "t2" })
        #expect(change.history.contains { $0.event == "joined" })
        #expect(driver.snapshot.state == "instruction")
    }

    @Test("a track whose 'when' is false is not opened, and the state's own deadlines still own the case")
    func trackWhenFalse() throws {
        var driver = try Mini.driver(["nom": "Dupont", "age": 30])
        try driver.act("paralleliser", by: Mini.mairie)
        #expect(driver.trackStates == ["t1:t1-attente"])
        #expect(driver.escalations.isEmpty)
        #expect(driver.snapshot.timers.contains { $0.kind == .stateSLA && $0.state == "parallele" })
        #expect(driver.snapshot.timers.contains { $0.kind == .stall && $0.track == "t1" })
    }

    @Test("an invalid-data escalation from a 'set' is closed by evaluating again once the data is valid")
    func invalidSetClosedByEvaluation() throws {
        var driver = try Mini.driver()
        try driver.act("calculer", by: Mini.mairie)
        #expect(driver.snapshot.state == "accueil")
        let task = try driver.escalation("invalid-data")
        #expect(task.escalation?.context.value(at: "field") == "calcul")
        #expect(task.escalation?.context.value(at: "value") == -160)
        #expect(driver.snapshot.data.value(at: "calcul") == nil)
        try driver.apply(.evaluateAgain, by: Mini.superviseur)
        #expect(driver.escalations.isEmpty)
        #expect(driver.snapshot.state == "accueil")
    }
}
