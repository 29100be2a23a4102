import Foundation
import Testing
@testable import Workflow

/// An automatic step that fails at run time waits for a `step` timer and is tried again,
/// backing off, before it escalates as `action-failed` with the error and the number of tries.
@Suite("Engine: retries of failing automatic steps")
struct EngineStepRetryTests {
    static let policy = StepRetryPolicy(maxAttempts: 3, baseDelay: .seconds(10), random: { 0.5 })

    static func dividingByZero() throws -> CaseDriver {
        var driver = try CaseDriver(try EngineFixtures.workflow(WorkerTestWorkflow.text),
                                    data: ["voie": "division", "n": 4, "d": 0], retryPolicy: policy)
        try driver.fire(.after, state: "depart")
        return driver
    }

    @Test("a rule dividing by zero is tried three times, 10 s then 20 s apart, then escalated with the error")
    func triedThenEscalated() throws {
        var driver = try Self.dividingByZero()
        #expect(driver.snapshot.state == "division" && driver.escalations.isEmpty)
        let first = try driver.timer(.step, state: "division")
        #expect(first.attempt == 1 && first.dueAt == driver.now.addingTimeInterval(10))
        let failed = try #require(driver.lastChange.history.first { $0.event == "step-failed" })
        #expect(failed.context?.value(at: "error")?.stringValue?.contains("zero") == true)
        #expect(failed.context?.value(at: "retry_at") != nil)

        try driver.fire(.step, state: "division")
        let second = try driver.timer(.step, state: "division")
        #expect(second.attempt == 2 && second.dueAt == driver.now.addingTimeInterval(20))

        try driver.fire(.step, state: "division")
        #expect(!driver.snapshot.timers.contains { $0.kind == .step })
        let task = try driver.escalation("action-failed")
        #expect(task.escalation?.context.value(at: "attempts") == 3)
        #expect(task.escalation?.context.value(at: "rule") == 1)
        #expect(driver.snapshot.state == "division")
    }

    @Test("evaluating an escalated failing step again keeps the escalation and starts no new tries")
    func evaluatedAgainWhileEscalated() throws {
        var driver = try Self.dividingByZero()
        try driver.fire(.step, state: "division")
        try driver.fire(.step, state: "division")
        try driver.apply(.evaluateAgain, by: Actors.operatorUser)
        #expect(driver.escalations == ["action-failed"])
        #expect(!driver.snapshot.timers.contains { $0.kind == .step })
        // Once the data is corrected, evaluating again routes on and closes the escalation.
        try driver.apply(.correctData(["d": 1]), by: Actors.operatorUser)
        try driver.apply(.evaluateAgain, by: Actors.operatorUser)
        #expect(driver.snapshot.status == .closed(outcome: "accepted"))
    }

    @Test("with no retry, the first failure escalates")
    func noRetry() throws {
        var driver = try CaseDriver(try EngineFixtures.workflow(WorkerTestWorkflow.text),
                                    data: ["voie": "division", "n": 4, "d": 0], retryPolicy: .none)
        try driver.fire(.after, state: "depart")
        #expect(driver.escalations == ["action-failed"])
    }

    @Test("a write the worker could not make consumes the timer and escalates action-failed with the error")
    func timerFailed() throws {
        var driver = try CaseDriver(try EngineFixtures.workflow(WorkerTestWorkflow.text), data: ["voie": "sortie"])
        let timer = try driver.timer(.after, state: "depart")
        try driver.apply(.timerFailed(timerID: timer.id, error: "the archive refuses", attempts: 5), by: .engine)
        let task = try driver.escalation("action-failed")
        #expect(task.escalation?.context.value(at: "error") == "the archive refuses")
        #expect(task.escalation?.context.value(at: "timer_kind") == "after")
        #expect(driver.snapshot.state == "depart" && !driver.snapshot.timers.contains { $0.id == timer.id })
    }

    @Test("the sweep escalates only a case that has no owner")
    func sweep() throws {
        var driver = try CaseDriver(try EngineFixtures.workflow(WorkerTestWorkflow.text), data: ["voie": "sortie"])
        #expect(driver.refusal(.sweepFoundNoOwner, by: .engine)?.code == .notOrphaned)
        driver.snapshot.timers = []
        try driver.apply(.sweepFoundNoOwner, by: .engine)
        #expect(driver.escalations == ["orphaned"])
    }

    @Test("delays double from the base, stop at the maximum, and spread over ±25 %")
    func delays() {
        let low = StepRetryPolicy(baseDelay: .seconds(2), maxDelay: .seconds(60), random: { 0 })
        let high = StepRetryPolicy(baseDelay: .seconds(2), maxDelay: .seconds(60), random: { 0.999_999 })
        #expect(low.delay(after: 1) == .milliseconds(1500) && low.delay(after: 2) == .seconds(3))
        #expect(low.delay(after: 10) == .seconds(45))
        #expect(high.delay(after: 1) == .milliseconds(2500) && high.delay(after: 40) == .seconds(75))
        #expect(StepRetryPolicy(maxAttempts: 3).allowsRetry(after: 2) && !StepRetryPolicy(maxAttempts: 3).allowsRetry(after: 3))
    }
}
