import Foundation
import Testing
@testable import Workflow

/// Overrides (who may, tracks, reopening) and data corrections (who may change what).
@Suite("Engine: overrides and data corrections")
struct EngineOverrideTests {
    typealias Mini = MiniWorkflow

    @Test("an agent of the escalation queue, a supervisor and an operator may override; others may not")
    func overridePermissions() throws {
        for actor in [Mini.superviseur, Mini.chef, Actors.operatorUser] {
            var driver = try Mini.driver()
            try driver.apply(.override(state: "instruction", track: nil), by: actor, note: "Dossier complet")
            #expect(driver.snapshot.state == "instruction")
            let entry = try #require(driver.lastChange.history.first { $0.event == "override" })
            #expect(entry.note == "Dossier complet")
            #expect(entry.fromState == "accueil" && entry.toState == "instruction")
        }
        var driver = try Mini.driver()
        #expect(driver.refusal(.override(state: "instruction", track: nil), by: Mini.instructeur, note: "x")?.code
            == .notAllowed)
    }

    @Test("an agent working the queue of an open escalation may override to a state where the decision is taken, not close the case")
    func escalationQueueAgentOverrides() throws {
        var driver = try Mini.driver()
        try driver.act("signaler", by: Mini.mairie, note: "Doute")
        // The fraud escalation waits in 'special', worked by instructeurs; closing is a supervisor's move.
        let closing = driver.refusal(.override(state: "refuse", track: nil), by: Mini.instructeur, note: "Fraude avérée")
        #expect(closing?.code == .notAllowed && closing?.message.contains("final state") == true)
        #expect(driver.snapshot.status == .open)
        try driver.apply(.override(state: "instruction", track: nil), by: Mini.instructeur, note: "Doute levé")
        #expect(driver.snapshot.state == "instruction")
        try driver.apply(.override(state: "refuse", track: nil), by: Mini.chef, note: "Fraude avérée")
        #expect(driver.snapshot.status == .closed(outcome: "rejected"))
    }

    @Test("a closed case is reopened by a supervisor's override only, recorded as reopened")
    func reopen() throws {
        var driver = try Mini.driver()
        try driver.act("abandonner", by: Actors.citizen, note: "Je renonce")
        #expect(driver.refusal(.override(state: "instruction", track: nil), by: Mini.superviseur, note: "appel")?.code
            == .caseClosed)
        try driver.apply(.override(state: "instruction", track: nil), by: Mini.chef, note: "Recours gracieux accepté")
        #expect(driver.snapshot.status == .open)
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.lastChange.history.map(\.event).prefix(3) == ["reopened", "override", "entered"])
        #expect(driver.workQueues == ["instruction"])
    }

    @Test("overriding a track moves only that track; a track not opened is opened at the state named")
    func trackOverride() throws {
        var driver = try Mini.driver()
        try driver.act("paralleliser", by: Mini.mairie)
        #expect(driver.trackStates == ["t1:t1-attente"])
        try driver.apply(.override(state: "t2-attente", track: "t2"), by: Mini.chef, note: "Avis préfectoral utile")
        #expect(driver.trackStates == ["t1:t1-attente", "t2:t2-attente"])
        try driver.apply(.override(state: "t1-fin", track: "t1"), by: Mini.chef, note: "Fait hors outil")
        #expect(driver.trackStates == ["t1:t1-fin!", "t2:t2-attente"])
        #expect(driver.snapshot.state == "parallele")
        try driver.apply(.override(state: "t2-fin", track: "t2"), by: Mini.chef, note: "Fait hors outil")
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.refusal(.override(state: "t1-fin", track: "t1"), by: Mini.chef, note: "x")?.code == .unknownTrack)
    }

    @Test("overriding a track to a state of another track is refused")
    func trackOverrideUnknownState() throws {
        var driver = try Mini.driver()
        try driver.act("paralleliser", by: Mini.mairie)
        #expect(driver.refusal(.override(state: "t2-fin", track: "t1"), by: Mini.chef, note: "x")?.code == .unknownState)
    }

    @Test("re-entering a parallel state opens the tracks afresh from their start")
    func reenterParallel() throws {
        var driver = try Mini.driver()
        try driver.act("paralleliser", by: Mini.mairie)
        try driver.act("finir", track: "t1", by: Mini.mairie)
        #expect(driver.snapshot.state == "instruction")
        try driver.apply(.override(state: "parallele", track: nil), by: Mini.chef, note: "Reprise")
        #expect(driver.trackStates == ["t1:t1-attente"])
    }

    @Test("an agent corrects only the fields their agency or role may edit")
    func correctionPermissions() throws {
        var driver = try Mini.driver()
        let refused = driver.refusal(.correctData(["note_interne": "RAS"]), by: Mini.mairie)
        #expect(refused?.code == .notAllowed)
        #expect(refused?.field == "note_interne")
        #expect(driver.refusal(.correctData(["score": 3]), by: Actors.agent("p9", agency: "prefecture"))?.field == "score")
        try driver.apply(.correctData(["note_interne": "RAS", "score": 3]), by: Mini.instructeur, note: "saisie")
        let entry = try #require(driver.lastChange.history.first)
        #expect(entry.event == "data-corrected")
        #expect(entry.dataDiff == ["note_interne": ["from": .null, "to": "RAS"], "score": ["from": .null, "to": 3]])
        #expect(driver.snapshot.state == "accueil")
        // Fields without editable_by may be changed by any agency of the workflow, not by others.
        try driver.apply(.correctData(["age": 41]), by: Mini.mairie)
        #expect(driver.refusal(.correctData(["age": 42]), by: Actors.agent("z", agency: "ailleurs"))?.code == .notAllowed)
        // An operator may change anything; a correction is validated like any data.
        try driver.apply(.correctData(["score": .null]), by: Actors.operatorUser)
        #expect(driver.snapshot.data.value(at: "score") == nil)
        #expect(driver.refusal(.correctData(["age": -1]))?.code == .invalidData)
    }

    @Test("an agent's action data is held to editable_by as well")
    func actionDataPermissions() throws {
        var driver = try Mini.driver()
        let refused = driver.refusal(.action(name: "orienter", data: ["score": 2], track: nil), by: Mini.mairie)
        #expect(refused?.code == .notAllowed)
        #expect(refused?.field == "score")
    }

    @Test("history entries carry the actor, the states, the diff, the note and whose move it was")
    func historyContents() throws {
        var driver = try Mini.driver()
        try driver.act("attendre", by: Mini.mairie)
        try driver.act("repondre", by: Actors.citizen, note: "Voici")
        let action = try #require(driver.lastChange.history.first { $0.event == "action" })
        #expect(action.actor == "citizen:usager-42")
        #expect(action.fromState == "attente" && action.toState == "instruction")
        #expect(action.waitingOn == "usager")
        #expect(action.note == "Voici")
        let entered = try #require(driver.lastChange.history.first { $0.event == "entered" })
        #expect(entered.waitingOn == "prefecture")
        #expect(driver.snapshot.waitingOn == "prefecture")
        #expect(driver.snapshot.enteredStateAt == driver.now)
        #expect(driver.snapshot.lastEventAt == driver.now)
    }
}
