import Foundation
import Testing
@testable import Workflow

/// A request to an agency that has agents in Parcours (a queue of its roles in the workflow)
/// is also a task in that queue: opened with the request, due when it is, closed with it
/// whatever ends it. The driver checks the owner invariant after every change.
@Suite("Engine: the task of a request in the answering agency's queue")
struct EngineRequestTaskTests {
    typealias W = RequestWorkflow
    static let acte = EngineFixtures.document("acte-naissance", issuer: "etat-civil")
    static let avis = EngineFixtures.document("avis-imposition", issuer: "dgfip")

    /// The test workflow where the civil registry and the tax administration have queues of
    /// their own (the registry two, so that a hand-over within it can be tried).
    static let text = W.text.replacingOccurrences(of: """
          instruction: { role: gestionnaire, sla: 10d }
        """, with: """
          instruction: { role: gestionnaire, sla: 10d }
          actes: { role: officier, sla: 2d }
          actes-difficiles: { role: officier }
          avis: { role: agent-dgfip }
        """)

    static func driver() throws -> CaseDriver {
        #expect(text != W.text)
        return try CaseDriver(EngineFixtures.workflow(text), data: ["nom": "Durand"])
    }

    static func task(of run: RequestRun, in driver: CaseDriver) -> CaseTask? {
        driver.snapshot.tasks.first { $0.request == run.id }
    }

    @Test("a sent request opens a task in the first queue of the agency asked, due with the request, and no queue sla timer")
    func opening() throws {
        let driver = try Self.driver()
        let run = try driver.run("acte")
        let task = try #require(Self.task(of: run, in: driver))
        #expect(task.queue == "actes" && task.kind == .request && task.state == "instruction" && task.escalation == nil)
        #expect(task.slaDueAt == run.dueAt)
        #expect(!driver.snapshot.timers.contains { $0.taskID == task.id })
        let line = try #require(driver.lastChange.history.first { $0.event == "task-opened" && $0.name == "actes" })
        #expect(line.context?.value(at: "request_id") == .string(run.id.lowercasedString))
        // The withheld request (no consent) has no task; the crous's own work is there as before.
        #expect(Self.task(of: try driver.run("avis-imposition"), in: driver) == nil)
        #expect(driver.workQueues == ["instruction"])
        // Without a queue for the agency (the plain test workflow), there is no task at all.
        #expect(try W.driver().snapshot.tasks.allSatisfy { $0.request == nil })
    }

    @Test("the first answer closes the task; a newer version opens none")
    func answered() throws {
        var driver = try Self.driver()
        let run = try driver.run("acte")
        let taskID = try #require(Self.task(of: run, in: driver)).id
        let change = try driver.apply(.answerRequest(id: run.id, answer: .value(Self.acte)), by: W.etatCivil)
        #expect(change.closedTasks == [ClosedTask(id: taskID, resolution: "request answered")])
        #expect(Self.task(of: run, in: driver) == nil)
        let newer = try driver.apply(.answerRequest(id: run.id, answer: .value(Self.acte)), by: W.etatCivil)
        #expect(newer.openedTasks.isEmpty && newer.closedTasks.isEmpty)
    }

    @Test("a refusal, a timeout and leaving the state each close the task")
    func closedOtherwise() throws {
        var refused = try Self.driver()
        let run = try refused.run("acte")
        let change = try refused.apply(.answerRequest(id: run.id, answer: .refused("no record")), by: W.etatCivil)
        #expect(change.closedTasks.map(\.resolution) == ["request refused"])

        // Late, and chased by an escalation: the task stays, overdue; expired (the case moves on), it closes.
        var late = try Self.driver()
        let acte = try late.run("acte")
        let chased = try late.fire(.request)
        #expect(chased.closedTasks.isEmpty && Self.task(of: acte, in: late) != nil && late.escalations == ["piece-non-recue"])
        try late.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let avis = try late.run("avis-imposition")
        late.now = try #require(avis.dueAt)
        let expired = try late.apply(.timerFired(timerID: avis.id), by: .engine)
        #expect(expired.closedTasks.map(\.resolution).contains("request expired"))
        #expect(late.snapshot.state == "relance" && late.snapshot.tasks.allSatisfy { $0.request == nil })

        var left = try Self.driver()
        let moved = try left.apply(.override(state: "relance", track: nil), by: Actors.operatorUser, note: "dossier repris")
        let resolutions = moved.closedTasks.map(\.resolution)
        #expect(resolutions.contains { $0.hasPrefix("request cancelled: ") })
        #expect(left.snapshot.tasks.allSatisfy { $0.request == nil })
    }

    @Test("consent given sends the request with its task; revoked, the task closes with the request")
    func consent() throws {
        var driver = try Self.driver()
        let given = try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let run = try driver.run("avis-imposition")
        let task = try #require(Self.task(of: run, in: driver))
        #expect(task.queue == "avis" && given.openedTasks.map(\.id) == [task.id])
        let revoked = try driver.apply(.setConsent(request: "avis-imposition", granted: false), by: Actors.citizen)
        #expect(revoked.closedTasks.map(\.resolution) == ["request stopped: the citizen revoked their consent"])
        #expect(Self.task(of: run, in: driver) == nil)
    }

    @Test("a request's task is handed over only within the agency asked, and keeps the request's due date")
    func handOver() throws {
        var driver = try Self.driver()
        let run = try driver.run("acte")
        let task = try #require(Self.task(of: run, in: driver))
        let refusal = driver.refusal(.handOver(taskID: task.id, queue: "instruction"), by: Actors.operatorUser)
        #expect(refusal?.code == .notAllowed)
        #expect(refusal?.message.contains("only to another queue of 'etat-civil'") == true)
        let change = try driver.apply(.handOver(taskID: task.id, queue: "actes-difficiles"), by: Actors.operatorUser)
        let moved = try #require(change.openedTasks.first)
        #expect(moved.request == run.id && moved.queue == "actes-difficiles" && moved.slaDueAt == run.dueAt)
        #expect(change.createdTimers.isEmpty)
        // The answer closes the task where it now is.
        let answered = try driver.apply(.answerRequest(id: run.id, answer: .value(Self.acte)), by: W.etatCivil)
        #expect(answered.closedTasks.map(\.id) == [moved.id])
    }

    @Test("after the citizen revokes consent, an answered request takes no newer version and keeps what it received")
    func noNewerVersionAfterRevocation() throws {
        var driver = try Self.driver()
        try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let run = try driver.run("avis-imposition")
        try driver.apply(.answerRequest(id: run.id, answer: .value(Self.avis)), by: W.dgfip)
        try driver.apply(.setConsent(request: "avis-imposition", granted: false), by: Actors.citizen)
        let refusal = driver.refusal(.answerRequest(id: run.id, answer: .value(Self.avis)), by: W.dgfip)
        #expect(refusal?.code == .requestClosed)
        #expect(refusal?.message.contains("revoked their consent") == true)
        #expect(driver.snapshot.data.value(at: "pieces.avis_imposition") == Self.avis)
        // Given again, the issuer's newer version is taken.
        try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        try driver.apply(.answerRequest(id: run.id, answer: .value(Self.avis)), by: W.dgfip)
        #expect(try driver.run("avis-imposition").versions == 2)
    }

    @Test("moved to a new version, a request's task follows the agency's queue there, due as before; without one it closes")
    func migration() throws {
        let driver = try Self.driver()
        let run = try driver.run("acte")
        let task = try #require(Self.task(of: run, in: driver))
        let old = driver.engine.definition
        func migrated(_ text: String) throws -> CaseChange {
            let engine = WorkflowEngine(definition: try EngineFixtures.workflow(text.replacingOccurrences(of: "version: 1\n", with: "version: 2\n")))
            #expect(engine.misfits(of: driver.snapshot, from: old, mapping: StateMapping()).isEmpty)
            guard case .applied(let change) = engine.migrate(driver.snapshot, from: old, mapping: StateMapping(), actor: .engine,
                                                             now: driver.now + 60) else {
                Issue.record("the migration was refused")
                throw CancellationError()
            }
            CaseDriver.checkInvariants(before: driver.snapshot, change, sourceLocation: #_sourceLocation)
            return change
        }
        // The registry's queue renamed: the task moves there, still due with the request.
        let renamed = try migrated(Self.text.replacingOccurrences(of: "  actes: { role: officier, sla: 2d }", with: "  actes-etat-civil: { role: officier }"))
        let moved = try #require(renamed.after.tasks.first { $0.request == run.id })
        #expect(moved.queue == "actes-etat-civil" && moved.slaDueAt == task.slaDueAt && moved.id != task.id)
        #expect(!renamed.createdTimers.contains { $0.taskID == moved.id })
        // Unchanged: the task stays as it is.
        #expect(try migrated(Self.text).after.tasks.contains(task))
        // Handed over within the registry, it stays where it was handed.
        var handed = driver
        try handed.apply(.handOver(taskID: task.id, queue: "actes-difficiles"), by: Actors.operatorUser)
        let engine = WorkflowEngine(definition: try EngineFixtures.workflow(Self.text.replacingOccurrences(of: "version: 1\n", with: "version: 2\n")))
        guard case .applied(let kept) = engine.migrate(handed.snapshot, from: old, mapping: StateMapping(), actor: .engine, now: handed.now) else {
            Issue.record("the migration was refused")
            return
        }
        #expect(kept.after.tasks.filter { $0.request == run.id }.map(\.queue) == ["actes-difficiles"])
        // The other way: a case of a version without the registry's queue moves to one with it.
        let plain = try W.driver()
        let sent = try plain.run("acte")
        #expect(plain.snapshot.tasks.allSatisfy { $0.request == nil })
        guard case .applied(let given) = engine.migrate(plain.snapshot, from: plain.engine.definition, mapping: StateMapping(),
                                                        actor: .engine, now: plain.now + 60) else {
            Issue.record("the migration was refused")
            return
        }
        let opened = try #require(given.openedTasks.first { $0.request == sent.id })
        #expect(opened.queue == "actes" && opened.slaDueAt == sent.dueAt && opened.openedAt == sent.openedAt)
        // No queue of the registry any more: the task closes, the request's timer still owns the case.
        let gone = try migrated(W.text)
        #expect(gone.closedTasks.contains(ClosedTask(id: task.id, resolution: "version 2 has no queue for the agency asked")))
        #expect(gone.after.timers.contains { $0.id == run.id && $0.kind == .request })
    }

    @Test("consent given again after a revocation sends the stopped request again, with its task; an earlier stay's stays stopped")
    func consentAgain() throws {
        var driver = try Self.driver()
        try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let run = try driver.run("avis-imposition")
        try driver.apply(.setConsent(request: "avis-imposition", granted: false), by: Actors.citizen)
        #expect(try driver.run("avis-imposition").status == .stopped)
        let again = try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let resent = try driver.run("avis-imposition")
        #expect(resent.id == run.id && resent.status == .sent && resent.closedAt == nil && resent.reason == nil && !resent.askedCitizen)
        #expect(again.history.map(\.event).prefix(2) == ["consent-given", "request-opened"])
        #expect(again.events.contains { $0.kind == .requestOpened })
        #expect(driver.snapshot.timers.contains { $0.id == run.id && $0.kind == .request })
        #expect(Self.task(of: resent, in: driver)?.queue == "avis")
        #expect(!again.whoseMove.contains("usager"))

        // Stopped in one stay, then a new stay: only the new stay's request is sent.
        var twice = try Self.driver()
        try twice.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        try twice.apply(.setConsent(request: "avis-imposition", granted: false), by: Actors.citizen)
        try twice.apply(.override(state: "relance", track: nil), by: Actors.operatorUser, note: "reprise")
        try twice.act("reprendre", by: W.gestionnaire)
        let given = try twice.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        #expect(given.events.filter { $0.kind == .requestOpened }.count == 1)
        #expect(twice.snapshot.requests.filter { $0.request == "avis-imposition" }.map(\.status) == [.stopped, .sent])
    }

    @Test("a request sent that ends without the agency's answer is told to its systems: parcours.request.closed with why")
    func closedEvents() throws {
        var driver = try Self.driver()
        try driver.apply(.setConsent(request: "avis-imposition", granted: true), by: Actors.citizen)
        let revoked = try driver.apply(.setConsent(request: "avis-imposition", granted: false), by: Actors.citizen)
        let stopped = try #require(revoked.events.first { $0.kind == .requestClosed })
        #expect(stopped.payload.value(at: "request.request") == "avis-imposition" && stopped.payload.value(at: "request.status") == "stopped")
        #expect(stopped.payload.value(at: "request.reason") == "the citizen revoked their consent")
        // Leaving the state cancels the birth certificate's: told too; the withheld one, never sent, is not.
        let left = try driver.apply(.override(state: "relance", track: nil), by: Actors.operatorUser, note: "reprise")
        #expect(left.events.filter { $0.kind == .requestClosed }.compactMap { $0.payload.value(at: "request.request")?.stringValue } == ["acte"])
        #expect(left.events.first { $0.kind == .requestClosed }?.payload.value(at: "request.status") == "cancelled")
        // An answer is not a closing.
        var answered = try Self.driver()
        let run = try answered.run("acte")
        let change = try answered.apply(.answerRequest(id: run.id, answer: .value(Self.acte)), by: W.etatCivil)
        #expect(change.events.map(\.kind) == [.requestAnswered])
    }

    @Test("a request never sent (withheld, then cancelled with its state) is not shown as sent")
    func neverSent() throws {
        var driver = try Self.driver()
        try driver.apply(.override(state: "relance", track: nil), by: Actors.operatorUser, note: "reprise")
        let run = try driver.run("avis-imposition")
        #expect(run.status == .cancelled && !run.wasSent)
        #expect(try driver.run("acte").wasSent)
    }
}

/// Where a request leads when no answer comes is a way out of the state that opens it: the
/// validator's walk and the diagram follow it.
@Suite("Definition: the ways out of a request")
struct RequestWaysOutTests {
    @Test("a state reached only by a request's fallback or on_timeout is reachable, and drawn as such")
    func reachedByRequest() throws {
        let text = RequestWorkflow.text
            .replacingOccurrences(of: "    fallback: { ask: usager }\n  avis-imposition:", with: "    fallback: { to: attente-piece }\n  avis-imposition:")
            .replacingOccurrences(of: "  accordee: { final: true, outcome: accepted }", with: """
                  attente-piece:
                    waiting_on: usager
                    stall_after: 30d
                    on:
                      deposer: { to: instruction }
                  accordee: { final: true, outcome: accepted }
                """)
        #expect(text.contains("fallback: { to: attente-piece }") && text.contains("  attente-piece:\n    waiting_on: usager"))
        let document = WorkflowDocument.parse(text)
        #expect(document.lines.filter { $0.contains("unreachable") } == [], "\(document.lines)")
        // relance is reached only by avis-imposition's on_timeout, attente-piece by acte's fallback.
        let dot = WorkflowDiagram(try #require(document.definition)).dot()
        #expect(dot.contains("acte: fallback") && dot.contains("avis-imposition: no answer in 10d"), "\(dot)")
        let without = WorkflowDocument.parse(text.replacingOccurrences(of: "    fallback: { to: attente-piece }\n", with: "    fallback: { ask: usager }\n"))
        #expect(without.lines.contains { $0.contains("state 'attente-piece' is unreachable") })
    }
}

/// Which agencies take part in a workflow's work, and which it only asks: the latter know a
/// case only once a request reached them on it.
@Suite("Definition: the agencies a workflow only asks")
struct AgenciesOnlyAskedTests {
    @Test("in the examples, the tax administration is only asked; the registry and the pension bodies take part")
    func examples() throws {
        #expect(try EngineFixtures.example("bourse-sur-criteres-sociaux").agenciesOnlyAsked == ["dgfip"])
        #expect(try EngineFixtures.example("passeport-identite").agenciesOnlyAsked == [])  // a state waits on the registry
        #expect(try EngineFixtures.example("retraite-multi-statuts").agenciesOnlyAsked == [])  // each body has its track
        // A queue only for the requests' tasks is no part in the work.
        let definition = try EngineFixtures.workflow(EngineRequestTaskTests.text)
        #expect(definition.agenciesOnlyAsked == ["dgfip", "etat-civil"])
        #expect(definition.participatingAgencies == ["crous"])
    }
}
