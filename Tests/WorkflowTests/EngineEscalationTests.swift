import Foundation
import Testing
@testable import Workflow

/// Escalations: where they go and how long they may wait, breaches and stalls, raising,
/// handing over, the automatic loop bound, and the owner invariant's last resort.
@Suite("Engine: escalations, deadlines and the owner invariant")
struct EngineEscalationTests {
    typealias Mini = MiniWorkflow

    @Test("queue and SLA: the exception's own, else the escalation queue and that queue's SLA")
    func routing() throws {
        let engine = WorkflowEngine(definition: try Mini.definition())
        #expect(engine.escalationRoute(for: "fraude").queue == "special")
        #expect(engine.escalationRoute(for: "fraude").sla == .days(3))
        #expect(engine.escalationRoute(for: "retard").queue == "escalades")
        #expect(engine.escalationRoute(for: "retard").sla == .days(2))
        #expect(engine.escalationRoute(for: "lente").queue == "instruction")
        #expect(engine.escalationRoute(for: "lente").sla == nil)
        #expect(engine.escalationRoute(for: "stalled").queue == "escalades")
        #expect(engine.escalationRoute(for: "agent-raised").queue == "escalades")
    }

    @Test("an action that escalates opens the task with its SLA timer; the case stays")
    func actionEscalates() throws {
        var driver = try Mini.driver()
        try driver.act("signaler", by: Mini.mairie, note: "Pièce d'identité douteuse")
        #expect(driver.snapshot.state == "accueil")
        let task = try driver.escalation("fraude")
        #expect(task.queue == "special")
        #expect(task.slaDueAt != nil)
        #expect(driver.snapshot.timers.contains { $0.kind == .escalationSLA && $0.taskID == task.id })
        #expect(task.escalation?.context.value(at: "note") == "Pièce d'identité douteuse")
        try driver.act("lentement", by: Mini.mairie)
        let slow = try driver.escalation("lente")
        #expect(slow.slaDueAt == nil)
        #expect(!driver.snapshot.timers.contains { $0.taskID == slow.id })
    }

    @Test("an ignored escalation is escalated again once, in the escalation queue, without a new SLA")
    func ignoredEscalation() throws {
        var driver = try Mini.driver()
        try driver.act("signaler", by: Mini.mairie, note: "Doute")
        let fraud = try driver.escalation("fraude")
        try driver.fire(.escalationSLA)
        let again = try driver.escalation("sla-breached")
        #expect(again.queue == "escalades")
        #expect(again.slaDueAt == nil)
        #expect(again.escalation?.context.value(at: "ignored_escalation") == .string(fraud.id.uuidString.lowercased()))
        #expect(!driver.snapshot.timers.contains { $0.kind == .escalationSLA })
    }

    @Test("a queue's SLA breach escalates the task's state once")
    func queueBreach() throws {
        var driver = try Mini.driver()
        let work = try #require(driver.snapshot.tasks.first)
        try driver.fire(.queueSLA)
        let task = try driver.escalation("sla-breached")
        #expect(task.state == "accueil")
        #expect(task.escalation?.context.value(at: "task") == .string(work.id.uuidString.lowercased()))
        #expect(!driver.snapshot.timers.contains { $0.kind == .queueSLA })
    }

    @Test("a wait state's SLA is a deadline-expired; a human state's is sla-breached")
    func breachReasons() throws {
        var driver = try Mini.driver()
        try driver.act("attendre", by: Mini.mairie)
        try driver.fire(.stateSLA, state: "attente")
        #expect(driver.escalations == ["deadline-expired"])
        try driver.act("repondre", by: Actors.citizen)
        try driver.fire(.stateSLA, state: "instruction")
        #expect(driver.escalations == ["sla-breached"])
    }

    @Test("stall timers are re-armed by every applied event, in tracks too")
    func stallRearming() throws {
        var driver = try Mini.driver()
        try driver.act("attendre", by: Mini.mairie)
        let stall = try driver.timer(.stall, state: "attente")
        try driver.apply(.raise(reason: "retard", track: nil), by: Mini.mairie)
        let rearmed = try driver.timer(.stall, state: "attente")
        #expect(rearmed.id != stall.id)
        #expect(driver.lastChange.removedTimers.contains(stall.id))
        #expect(driver.snapshot.timers.filter { $0.kind == .stall }.count == 1)

        var parallel = try Mini.driver()
        try parallel.act("paralleliser", by: Mini.mairie)
        let trackStall = try parallel.timer(.stall, track: "t1")
        try parallel.apply(.raise(reason: "agent-raised", track: "t1"), by: Mini.mairie, note: "à voir")
        #expect(try parallel.timer(.stall, track: "t1").id != trackStall.id)
        #expect(try parallel.escalation("agent-raised").track == "t1")
    }

    @Test("a stall raises 'stalled' in the escalation queue")
    func stalled() throws {
        var driver = try Mini.driver()
        try driver.act("attendre", by: Mini.mairie)
        try driver.fire(.stall, state: "attente")
        let task = try driver.escalation("stalled")
        #expect(task.queue == "escalades")
        #expect(driver.snapshot.timers.contains { $0.kind == .stall })
    }

    @Test("the timed way out wins over the stall and the SLA falling due with it")
    func afterBeatsStall() throws {
        var driver = try Mini.driver()
        try driver.act("attendre", by: Mini.mairie)
        let exit = try driver.timer(.after, state: "attente")
        driver.now = exit.dueAt
        let stall = try driver.timer(.stall, state: "attente")
        try driver.apply(.timerFired(timerID: stall.id), by: .engine)
        #expect(driver.snapshot.status == .closed(outcome: "accepted"))
        #expect(driver.escalations.isEmpty)
    }

    @Test("a breach fired before the timed way out is due escalates as usual")
    func breachBeforeExit() throws {
        var driver = try Mini.driver()
        try driver.act("attendre", by: Mini.mairie)
        try driver.fire(.stall, state: "attente")
        #expect(driver.snapshot.state == "attente")
        #expect(driver.escalations == ["stalled"])
    }

    @Test("raising agent-raised or an exception code; an exception with its own queue")
    func raising() throws {
        var driver = try Mini.driver()
        try driver.apply(.raise(reason: "agent-raised", track: nil), by: Mini.mairie, note: "Situation atypique")
        try driver.apply(.raise(reason: "fraude", track: nil), by: Mini.instructeur)
        #expect(driver.escalations == ["agent-raised", "fraude"])
        #expect(try driver.escalation("fraude").queue == "special")
        #expect(driver.lastChange.history.first?.event == "escalated")
    }

    @Test("handing over closes the task and opens the same escalation in the other queue, with its SLA")
    func handOver() throws {
        var driver = try Mini.driver()
        try driver.act("signaler", by: Mini.mairie, note: "Doute")
        let fraud = try driver.escalation("fraude")
        try driver.apply(.handOver(taskID: fraud.id, queue: "escalades"), by: Mini.instructeur, note: "Pour le superviseur")
        #expect(driver.lastChange.closedTasks.map(\.id) == [fraud.id])
        let moved = try driver.escalation("fraude")
        #expect(moved.id != fraud.id)
        #expect(moved.queue == "escalades")
        #expect(moved.escalation == fraud.escalation)
        #expect(driver.snapshot.timers.contains { $0.kind == .escalationSLA && $0.taskID == moved.id })
        #expect(!driver.snapshot.timers.contains { $0.taskID == fraud.id })
        #expect(driver.lastChange.history.contains { $0.event == "handed-over" && $0.name == "escalades" })

        // Ordinary work handed to a queue without SLA keeps no queue timer.
        let work = try #require(driver.snapshot.tasks.first { $0.escalation == nil })
        try driver.apply(.handOver(taskID: work.id, queue: "instruction"), by: Mini.chef)
        #expect(driver.workQueues == ["instruction"])
        #expect(!driver.snapshot.timers.contains { $0.kind == .queueSLA })
    }

    @Test("a rule's escalation is not opened twice when the case is evaluated again")
    func ruleEscalationNotDuplicated() throws {
        var driver = try Mini.driver(["nom": "Dupont", "age": 40, "statut": "b"])
        try driver.act("orienter", by: Mini.mairie)
        #expect(driver.snapshot.state == "tri" && driver.escalations == ["retard"])
        try driver.apply(.evaluateAgain, by: Mini.superviseur)
        try driver.apply(.evaluateAgain, by: Mini.superviseur)
        #expect(driver.escalations == ["retard"])
        // A person raising the same exception is a new escalation, on purpose.
        try driver.apply(.raise(reason: "retard", track: nil), by: Mini.mairie)
        #expect(driver.escalations == ["retard", "retard"])
    }

    @Test("automatic states that loop are stopped by the bound, with an action-failed escalation")
    func autoLoopBound() throws {
        var driver = try Mini.driver(maxAutomaticSteps: 7)
        try driver.act("boucler", by: Mini.mairie)
        let task = try driver.escalation("action-failed")
        #expect(task.escalation?.context.value(at: "error")?.stringValue?.contains("loop") == true)
        #expect(["boucle-a", "boucle-b"].contains(driver.snapshot.state))
        #expect(driver.lastChange.history.filter { $0.event == "routed" }.count == 7)
        // Evaluating again loops again: the escalation stays, not duplicated.
        try driver.apply(.evaluateAgain, by: Mini.superviseur)
        #expect(driver.escalations == ["action-failed"])
        // Once the data breaks the loop, evaluating again routes out and the escalation closes.
        try driver.apply(.correctData(["age": 125]), by: Actors.operatorUser)
        try driver.apply(.evaluateAgain, by: Mini.superviseur)
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.escalations.isEmpty)
    }

    @Test("a run-time failure in a 'set' escalates action-failed and the case does not move")
    func setFailure() throws {
        var driver = try Mini.driver()
        try driver.act("calculer-division", ["ratio": ["numerateur": 1, "denominateur": 0]], by: Mini.mairie)
        #expect(driver.snapshot.state == "accueil")
        let task = try driver.escalation("action-failed")
        #expect(task.escalation?.context.value(at: "action") == "calculer-division")
        #expect(driver.snapshot.data.value(at: "ratio") == nil)
    }

    @Test("a 'set' value needing a missing field refuses the action, naming the field")
    func setUnknown() throws {
        var driver = try Mini.driver(["nom": "Dupont"])
        let refusal = driver.refusal(.action(name: "doubler", data: nil, track: nil), by: Mini.mairie)
        #expect(refusal?.code == .requiredFieldMissing)
        #expect(refusal?.field == "age")
        try driver.act("doubler", ["age": 21], by: Mini.mairie)
        #expect(driver.snapshot.data.value(at: "calcul") == 42)
    }

    @Test("a change that would leave the case without owner adds an orphaned escalation")
    func orphaned() throws {
        var definition = try Mini.definition()
        let index = try #require(definition.states.firstIndex { $0.id.value == "attente" })
        definition.states[index].timedExits = []
        definition.states[index].sla = nil
        definition.states[index].stallAfter = nil
        definition.states[index].usesDefaultStall = false
        var driver = try CaseDriver(definition, data: ["nom": "Dupont"])
        try driver.act("attendre", by: Mini.mairie)
        #expect(driver.snapshot.state == "attente")
        let task = try driver.escalation("orphaned")
        #expect(task.queue == "escalades")
        #expect(driver.snapshot.hasOwner)
    }

    @Test("leaving a state closes its escalations, tasks and timers, recorded in the history")
    func leavingCloses() throws {
        var driver = try Mini.driver()
        try driver.act("signaler", by: Mini.mairie, note: "Doute")
        try driver.act("verifier", by: Mini.mairie)
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.escalations.isEmpty)
        #expect(driver.lastChange.closedTasks.count == 2)
        #expect(driver.lastChange.history.filter { $0.event == "task-closed" }.count == 2)
        #expect(driver.snapshot.timers.allSatisfy { $0.state == "instruction" })
    }
}
