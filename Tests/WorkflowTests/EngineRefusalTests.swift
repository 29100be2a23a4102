import Foundation
import Testing
@testable import Workflow

/// Each refusal code, and that a refusal changes nothing.
@Suite("Engine: refusals")
struct EngineRefusalTests {
    typealias Mini = MiniWorkflow

    @Test("creating a case refuses undeclared data, wrong types and missing required fields")
    func startRefusals() throws {
        let engine = WorkflowEngine(definition: try Mini.definition())
        func refusal(_ data: JSONValue) -> Refusal? {
            if case .refused(let refusal) = engine.start(caseID: UUID(), data: data, actor: Actors.citizen,
                                                         now: EngineFixtures.monday) { return refusal }
            return nil
        }
        let undeclared = refusal(["nom": "Dupont", "agee": 3])
        #expect(undeclared?.code == .invalidData)
        #expect(undeclared?.field == "agee")
        #expect(undeclared?.message.contains("did you mean 'age'") == true)
        #expect(refusal(["nom": "Dupont", "age": "40"])?.field == "age")
        #expect(refusal(["nom": "dupont"])?.code == .invalidData)
        let missing = refusal(["age": 40])
        #expect(missing?.code == .requiredFieldMissing)
        #expect(missing?.field == "nom")
        #expect(refusal("not an object")?.code == .invalidData)
    }

    @Test("unknown-action, with a suggestion; action-not-available, naming what is")
    func unknownAndUnavailable() throws {
        var driver = try Mini.driver()
        let unknown = driver.refusal(.action(name: "acepter", data: nil, track: nil))
        #expect(unknown?.code == .unknownAction)
        #expect(unknown?.message.contains("did you mean 'accepter'") == true)
        let unavailable = driver.refusal(.action(name: "accepter", data: nil, track: nil))
        #expect(unavailable?.code == .actionNotAvailable)
        #expect(unavailable?.message.contains("orienter") == true)
        #expect(driver.engine.availableActions(driver.snapshot).contains("abandonner"))
    }

    @Test("role-not-allowed when the action is offered to others only")
    func roleNotAllowed() throws {
        var driver = try Mini.driver()
        #expect(driver.refusal(.action(name: "orienter", data: ["age": 40], track: nil), by: Mini.instructeur)?.code
            == .roleNotAllowed)
        #expect(driver.refusal(.action(name: "orienter", data: nil, track: nil), by: Actors.citizen)?.code == .roleNotAllowed)
        #expect(driver.refusal(.action(name: "noter", data: nil, track: nil), by: Mini.mairie)?.code == .roleNotAllowed)
        #expect(driver.refusal(.action(name: "orienter", data: nil, track: nil), by: .engine)?.code == .roleNotAllowed)
        try driver.act("noter", by: Mini.instructeur)
        #expect(driver.snapshot.state == "instruction")
    }

    @Test("unknown-track, and an action named in a track that is not open")
    func tracks() throws {
        var driver = try Mini.driver()
        #expect(driver.refusal(.action(name: "finir", data: nil, track: "t1"))?.code == .unknownTrack)
        try driver.act("paralleliser", by: Mini.mairie)
        #expect(driver.trackStates == ["t1:t1-attente"])
        let typo = driver.refusal(.action(name: "finir", data: nil, track: "t3"))
        #expect(typo?.code == .unknownTrack)
        #expect(driver.refusal(.action(name: "finir", data: nil, track: "t2"))?.code == .actionNotAvailable)
    }

    @Test("guard-false, guard-unknown naming the field, guard-failed on a division by zero")
    func guards() throws {
        var driver = try Mini.driver(["nom": "Dupont"])
        let unknown = driver.refusal(.action(name: "verifier", data: nil, track: nil), by: Mini.mairie)
        #expect(unknown?.code == .guardUnknown)
        #expect(unknown?.field == "age")
        #expect(driver.refusal(.action(name: "verifier", data: ["age": 12], track: nil), by: Mini.mairie)?.code == .guardFalse)
        let failed = driver.refusal(.action(name: "diviser", data: ["ratio": ["numerateur": 4, "denominateur": 0]], track: nil),
                                    by: Mini.mairie)
        #expect(failed?.code == .guardFailed)
        try driver.act("verifier", ["age": 30], by: Mini.mairie)
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.snapshot.data.value(at: "age") == 30)
    }

    @Test("required-field-missing for 'requires', also when the data sent removes the field")
    func requires() throws {
        var driver = try Mini.driver()
        let removed = driver.refusal(.action(name: "orienter", data: ["age": .null], track: nil), by: Mini.mairie)
        #expect(removed?.code == .requiredFieldMissing)
        #expect(removed?.field == "age")
    }

    @Test("invalid-data for the action's merged data, naming the field and the reason")
    func invalidActionData() throws {
        var driver = try Mini.driver()
        let cases: [(JSONValue, String)] = [
            (["age": 200], "age"), (["statut": "d"], "statut"), (["tags": ["Abc"]], "tags"),
            (["tags": ["a", "b", "c", "d"]], "tags"), (["date_effet": "2019-12-31"], "date_effet"),
            (["date_effet": "31/12/2024"], "date_effet"), (["horodatage": "2026-03-02 9h"], "horodatage"),
            (["montant": "-1"], "montant"), (["montant": "12,5"], "montant"), (["piece": ["type": "x"]], "piece"),
            (["ratio": 3], "ratio"), (["inconnu": ["x": 1]], "inconnu"),
        ]
        for (data, field) in cases {
            let refusal = driver.refusal(.action(name: "orienter", data: data, track: nil), by: Mini.mairie)
            #expect(refusal?.code == .invalidData, "\(data)")
            #expect(refusal?.field == field, "\(data): \(refusal?.message ?? "")")
        }
    }

    @Test("note-required for an action that needs a justification, and for an override")
    func notes() throws {
        var driver = try Mini.driver()
        #expect(driver.refusal(.action(name: "signaler", data: nil, track: nil), by: Mini.mairie, note: "  ")?.code
            == .noteRequired)
        #expect(driver.refusal(.override(state: "instruction", track: nil), by: Mini.chef)?.code == .noteRequired)
    }

    @Test("case-closed for every event on a closed case but a supervisor's override")
    func closed() throws {
        var driver = try Mini.driver()
        try driver.act("abandonner", by: Actors.citizen, note: "Je renonce")
        #expect(driver.snapshot.status == .closed(outcome: "withdrawn"))
        #expect(driver.refusal(.action(name: "orienter", data: nil, track: nil))?.code == .caseClosed)
        #expect(driver.refusal(.evaluateAgain, by: .engine)?.code == .caseClosed)
        #expect(driver.refusal(.correctData(["age": 3]))?.code == .caseClosed)
        #expect(driver.refusal(.override(state: "accueil", track: nil), by: Mini.superviseur, note: "appel")?.code
            == .caseClosed)
    }

    @Test("unknown-state, unknown-task, unknown-queue, unknown-timer, unknown-exception")
    func unknownNames() throws {
        var driver = try Mini.driver()
        let state = driver.refusal(.override(state: "instructon", track: nil), by: Mini.chef, note: "x")
        #expect(state?.code == .unknownState)
        #expect(state?.message.contains("did you mean 'instruction'") == true)
        #expect(driver.refusal(.handOver(taskID: UUID(), queue: "instruction"))?.code == .unknownTask)
        let task = try #require(driver.snapshot.tasks.first)
        #expect(driver.refusal(.handOver(taskID: task.id, queue: "instructon"))?.code == .unknownQueue)
        #expect(driver.refusal(.timerFired(timerID: UUID()), by: .engine)?.code == .unknownTimer)
        let exception = driver.refusal(.raise(reason: "fraud", track: nil), by: Mini.mairie)
        #expect(exception?.code == .unknownException)
        #expect(exception?.message.contains("did you mean 'fraude'") == true)
    }

    @Test("not-allowed: citizens do not raise or correct; agents outside the queues do not hand over or override")
    func notAllowed() throws {
        var driver = try Mini.driver()
        #expect(driver.refusal(.raise(reason: "agent-raised", track: nil), by: Actors.citizen)?.code == .notAllowed)
        #expect(driver.refusal(.correctData(["age": 41]), by: Actors.citizen)?.code == .notAllowed)
        let task = try #require(driver.snapshot.tasks.first)
        #expect(driver.refusal(.handOver(taskID: task.id, queue: "instruction"), by: Mini.instructeur)?.code == .notAllowed)
        #expect(driver.refusal(.override(state: "instruction", track: nil), by: Mini.mairie, note: "x")?.code == .notAllowed)
    }

    @Test("workflow-mismatch for a case of another workflow or version")
    func mismatch() throws {
        var driver = try Mini.driver()
        driver.snapshot.workflowVersion = 2
        #expect(driver.refusal(.evaluateAgain, by: .engine)?.code == .workflowMismatch)
    }

    @Test("a refusal changes nothing: the same event can be applied once corrected")
    func refusalChangesNothing() throws {
        var driver = try Mini.driver(["nom": "Dupont"])
        let before = driver.snapshot
        _ = driver.refusal(.action(name: "orienter", data: nil, track: nil), by: Mini.mairie)
        #expect(driver.snapshot == before)
        try driver.act("orienter", ["age": 40, "statut": "a"], by: Mini.mairie)
        #expect(driver.snapshot.state == "instruction")
    }
}
