import Foundation
import Testing
@testable import Workflow

/// Legal clocks in the engine, with a fixed clock: they run across states, stop while the
/// case waits for documents (and start again from zero, or go on), end with a decision,
/// warn, expire to a state or to an escalation, count business days around public holidays,
/// run in a track, and keep their computation with the case and in the history.
@Suite("Engine: legal clocks")
struct EngineClockTests {
    static let text = """
    id: horloges
    version: 1
    agencies:
      mairie: { name: "Mairie" }
      prefecture: { name: "Préfecture" }
    roles:
      agent: { agency: mairie }
      chef: { agency: mairie }
      avis: { agency: prefecture }
    queues:
      instruction: { role: agent, sla: 6mo }
      escalades: { role: chef }
      avis: { role: avis, sla: 6mo }
    fields:
      nom: { type: string }
    escalation: { queue: escalades }
    clocks:
      instruction:
        label: "Délai d'instruction"
        duration: 2mo
        starts_on: [instruction]
        suspended_in: [pieces]
        on_resume: restart
        stops_on: [accordee, rejetee]
        warn_before: 10d
        on_expiry: { to: accord-tacite }
        silence: accord
      reponse:
        label: "Délai de réponse"
        duration: 10bd
        starts_on: [instruction]
        suspended_in: [pieces]
        on_resume: continue
        stops_on: [accordee, rejetee]
        on_expiry: { escalate: clock-expired }
      avis:
        label: "Délai d'avis"
        duration: 15d
        starts_on: [volet.attente-avis]
        stops_on: [volet.avis-rendu]
        on_expiry: { escalate: clock-expired }
    start: depot
    states:
      depot:
        waiting_on: usager
        stall_after: 6mo
        on:
          deposer: { to: instruction }
      instruction:
        queue: instruction
        on:
          demander-pieces: { to: pieces }
          consulter: { to: consultation }
          accorder: { to: accordee }
          rejeter: { to: rejetee }
      pieces:
        waiting_on: usager
        stall_after: 6mo
        on:
          completer: { to: instruction }
      consultation:
        join: all
        next: instruction
        sla: 6mo
        tracks:
          volet:
            agency: prefecture
            start: attente-avis
            states:
              attente-avis:
                queue: avis
                on:
                  rendre-avis: { to: avis-rendu }
              avis-rendu: { final: true, outcome: accepted }
      accordee: { final: true, outcome: accepted }
      rejetee: { final: true, outcome: rejected }
      accord-tacite: { final: true, outcome: accepted }
    """

    static let agent = Actors.operatorUser
    static func at(_ text: String) -> Date { RFC3339.parse(text)! }

    /// A case deposited at `start` (the clocks start as it enters `instruction`).
    static func deposited(at start: Date) throws -> CaseDriver {
        var driver = try CaseDriver(try EngineFixtures.workflow(text), data: ["nom": "Martin"], now: start)
        try driver.act("deposer", by: agent)
        return driver
    }

    static func run(_ driver: CaseDriver, _ name: String) throws -> ClockRun {
        try #require(driver.snapshot.clocks.first { $0.name == name })
    }

    static func clockHistory(_ change: CaseChange) -> [String] {
        change.history.filter { $0.event == "clock" }.map { "\($0.name ?? ""):\($0.reason ?? "")" }
    }

    @Test("entering a start state starts it with its due date and timers; a decision stops it and its timers")
    func startAndStop() throws {
        var driver = try Self.deposited(at: EngineFixtures.monday)
        #expect(Self.clockHistory(driver.lastChange).sorted() == ["instruction:started", "reponse:started"])
        let run = try Self.run(driver, "instruction")
        #expect(run.status == .running && run.startedAt == EngineFixtures.monday)
        #expect(run.dueAt == Self.at("2026-05-02T09:00:00+02:00"), "two calendar months, in Paris time across the change to summer time")
        #expect(try driver.timer(.clockExpiry, state: "instruction").dueAt == run.dueAt)
        #expect(try driver.timer(.clockWarning, state: "instruction").dueAt == Self.at("2026-04-22T09:00:00+02:00"))
        driver.now = Self.at("2026-03-12T10:00:00+01:00")
        let decided = try driver.act("accorder", by: Self.agent)
        #expect(Self.clockHistory(decided).sorted() == ["instruction:stopped", "reponse:stopped"])
        let stopped = try Self.run(driver, "instruction")
        #expect(stopped.status == .stopped && stopped.endedBy == "accordee" && stopped.endedAt == driver.now)
        #expect(driver.snapshot.timers.isEmpty && driver.snapshot.status.isClosed)
    }

    @Test("documents asked: suspended; when they arrive, `restart` counts again from zero (CRPA L114-5)")
    func suspensionAndRestart() throws {
        var driver = try Self.deposited(at: EngineFixtures.monday)
        driver.now = Self.at("2026-03-13T09:00:00+01:00")
        let asked = try driver.act("demander-pieces", by: Self.agent)
        #expect(Self.clockHistory(asked).sorted() == ["instruction:suspended", "reponse:suspended"])
        var run = try Self.run(driver, "instruction")
        #expect(run.status == .suspended && run.dueAt == nil && run.suspensions.count == 1)
        #expect(!driver.snapshot.timers.contains { $0.kind.isClock }, "a suspended clock has no timer")
        #expect(driver.snapshot.hasOwner)
        driver.now = Self.at("2026-04-01T14:00:00+02:00")
        let completed = try driver.act("completer", by: Self.agent)
        #expect(Self.clockHistory(completed).sorted() == ["instruction:resumed", "reponse:resumed"], "entering the start state again does not start it twice")
        run = try Self.run(driver, "instruction")
        #expect(run.status == .running && run.countsFrom == driver.now && run.startedAt == EngineFixtures.monday)
        #expect(run.dueAt == Self.at("2026-06-01T14:00:00+02:00"))
        #expect(run.suspensions.first?.to == driver.now && run.suspensions.first?.resumedBy == "restart")
        #expect(try driver.timer(.clockExpiry, state: "instruction").dueAt == run.dueAt)
        let lines = ClockExplanation(run: run, clock: try #require(driver.engine.definition.clock("instruction")), calendar: .french)
            .lines(.french) { $0 == "pieces" ? "Pièces demandées" : $0 }
        #expect(lines == [
            "« Délai d'instruction » : 2 mois, à compter du 2 mars 2026.",
            "Suspendu du 13 mars 2026 au 1er avril 2026 (« Pièces demandées ») ; le délai est reparti de zéro le 1er avril 2026.",
            "Échéance : le 1er juin 2026.",
            "Sans décision à l'échéance, le silence de l'administration vaut accord.",
        ])
    }

    @Test("`continue`: the time left when suspended is what remains on resume, in business days")
    func suspensionAndContinue() throws {
        // Monday 2 March + 10 business days: Monday 16 March.
        var driver = try Self.deposited(at: EngineFixtures.monday)
        #expect(try Self.run(driver, "reponse").dueAt == Self.at("2026-03-16T09:00:00+01:00"))
        driver.now = Self.at("2026-03-09T09:00:00+01:00")   // a week in: 7 days left
        try driver.act("demander-pieces", by: Self.agent)
        #expect(try Self.run(driver, "reponse").remaining == 7 * 86_400)
        driver.now = Self.at("2026-03-20T09:00:00+01:00")   // a Friday
        try driver.act("completer", by: Self.agent)
        let run = try Self.run(driver, "reponse")
        // Friday + 7 days is a Friday, a business day.
        #expect(run.dueAt == Self.at("2026-03-27T09:00:00+01:00") && run.suspensions.first?.resumedBy == "continue")
    }

    @Test("`continue` in business days counts the business days left, not seconds: one left on Friday is Wednesday after a Tuesday resume")
    func continueCountsBusinessDays() throws {
        // Due Monday 16 March; suspended Friday 13 with one business day left (Monday).
        var driver = try Self.deposited(at: EngineFixtures.monday)
        driver.now = Self.at("2026-03-13T09:00:00+01:00")
        try driver.act("demander-pieces", by: Self.agent)
        #expect(try Self.run(driver, "reponse").remainingBusinessDays == 1)
        driver.now = Self.at("2026-03-17T10:00:00+01:00")
        try driver.act("completer", by: Self.agent)
        #expect(try Self.run(driver, "reponse").dueAt == Self.at("2026-03-18T09:00:00+01:00"), "Wednesday, at the former due time")
        // Across 11 November: five business days left on Monday 2 November, resumed Monday 9.
        let due = WorkflowEngine.continued(from: Self.at("2026-11-09T09:00:00+01:00"), businessDays: 5,
                                           timeOf: Self.at("2026-11-09T09:00:00+01:00"), calendar: .french)
        #expect(due == Self.at("2026-11-17T09:00:00+01:00"), "10, 12, 13, 16, 17: the holiday is not a day")
        #expect(WorkflowEngine.businessDays(from: Self.at("2026-11-02T09:00:00+01:00"), to: Self.at("2026-11-09T09:00:00+01:00"), calendar: .french) == 5)
    }

    @Test("a clock past its due date when an agent acts expired at its due date: a late decision is told, not counted as in time")
    func lateChanges() throws {
        // The workers lagged: the agent suspends after the due date; the clock is not restarted.
        var driver = try Self.deposited(at: EngineFixtures.monday)
        driver.now = Self.at("2026-05-04T09:00:00+02:00")   // past 2 May
        try driver.act("demander-pieces", by: Self.agent)
        var run = try Self.run(driver, "instruction")
        #expect(run.status == .expired && run.endedAt == Self.at("2026-05-02T09:00:00+02:00"))
        #expect(driver.snapshot.state == "accord-tacite", "silence decided on 2 May: the case goes where the expiry leads")
        // A decision taken after the due date stops nothing: the clock expired, a person is told.
        driver = try Self.deposited(at: EngineFixtures.monday)
        driver.now = Self.at("2026-03-18T09:00:00+01:00")   // the 10bd clock was due on the 16th
        try driver.act("rejeter", by: Self.agent)
        run = try Self.run(driver, "reponse")
        #expect(run.status == .expired && run.endedAt == Self.at("2026-03-16T09:00:00+01:00"))
        #expect(try Self.run(driver, "instruction").status == .stopped, "the two-month clock was still in time")
        #expect(driver.snapshot.status == .closed(outcome: "rejected"))
    }

    @Test("the warning escalates clock-warning with the computation; the expiry moves the case to its state")
    func warningAndExpiryToState() throws {
        var driver = try Self.deposited(at: EngineFixtures.monday)
        _ = try driver.fire(.clockExpiry, state: "reponse")   // the 10bd clock expires first: an escalation
        #expect(driver.escalations.contains("clock-expired") && driver.snapshot.state == "instruction")
        #expect(try Self.run(driver, "reponse").status == .expired)
        let warned = try driver.fire(.clockWarning, state: "instruction")
        let warning = try driver.escalation("clock-warning")
        #expect(warning.escalation?.context.value(at: "clock") == "instruction")
        #expect(warning.escalation?.context.value(at: "due_at") == "2026-05-02T07:00:00Z")
        #expect(try Self.run(driver, "instruction").warned && !warned.history.isEmpty)
        #expect(!driver.snapshot.timers.contains { $0.kind == .clockWarning }, "warned once")
        let expired = try driver.fire(.clockExpiry, state: "instruction")
        #expect(driver.snapshot.state == "accord-tacite" && driver.snapshot.status == .closed(outcome: "accepted"))
        #expect(Self.clockHistory(expired) == ["instruction:expired"])
        #expect(try Self.run(driver, "instruction").status == .expired && driver.snapshot.timers.isEmpty)
    }

    @Test("a timer of a clock that was suspended meanwhile does nothing but say so")
    func staleClockTimer() throws {
        var driver = try Self.deposited(at: EngineFixtures.monday)
        let expiry = try driver.timer(.clockExpiry, state: "instruction")
        try driver.act("demander-pieces", by: Self.agent)
        // The worker had claimed the timer before the suspension removed it: refused as unknown.
        #expect(driver.refusal(.timerFired(timerID: expiry.id), by: .engine)?.is(.unknownTimer) == true)
        #expect(driver.snapshot.state == "pieces")
    }

    @Test("business days skip a public holiday: 10bd from Monday 9 November 2026 is Tuesday 24 November")
    func businessDaysAcrossHoliday() throws {
        let driver = try Self.deposited(at: Self.at("2026-11-09T09:00:00+01:00"))
        let run = try Self.run(driver, "reponse")
        #expect(run.dueAt == Self.at("2026-11-24T09:00:00+01:00"))
        let clock = try #require(driver.engine.definition.clock("reponse"))
        let explanation = ClockExplanation(run: run, clock: clock, calendar: .french)
        #expect(explanation.holidaysSkipped.map(\.description) == ["2026-11-11"])
        #expect(explanation.computation.value(at: "holidays_skipped") == ["2026-11-11"])
        #expect(explanation.lines(.french) { $0 }.contains("Compté en jours ouvrés : les samedis, dimanches et jours fériés ne comptent pas (jours fériés non comptés : 11 novembre 2026)."))
    }

    @Test("a clock in a track starts and stops with the track's states; the main clocks keep running")
    func clockInTrack() throws {
        var driver = try Self.deposited(at: EngineFixtures.monday)
        let consulted = try driver.act("consulter", by: Self.agent)
        #expect(Self.clockHistory(consulted) == ["avis:started"])
        #expect(try Self.run(driver, "avis").dueAt == Self.at("2026-03-17T09:00:00+01:00"))
        #expect(try Self.run(driver, "instruction").status == .running, "leaving 'instruction' for the consultation does not stop it")
        #expect(driver.snapshot.timers.filter { $0.kind == .clockExpiry }.count == 3)
        driver.now = Self.at("2026-03-10T09:00:00+01:00")
        let given = try driver.act("rendre-avis", track: "volet", by: Self.agent)
        #expect(Self.clockHistory(given) == ["avis:stopped"])
        #expect(try Self.run(driver, "avis").endedBy == "volet.avis-rendu")
        #expect(driver.snapshot.state == "instruction", "the join led back to instruction")
    }

    @Test("an override is an entry like any other: into the suspension state it suspends, closing stops")
    func overrides() throws {
        var driver = try Self.deposited(at: EngineFixtures.monday)
        try driver.apply(.override(state: "pieces", track: nil), by: Actors.operatorUser, note: "pièces manquantes constatées au guichet")
        #expect(try Self.run(driver, "instruction").status == .suspended)
        try driver.apply(.override(state: "rejetee", track: nil), by: Actors.operatorUser, note: "demande retirée par courrier")
        #expect(try Self.run(driver, "instruction").status == .stopped)
        #expect(try Self.run(driver, "instruction").suspensions.first?.to == driver.now, "the suspension ends with the clock")
    }

    @Test("the clock survives a store round trip as JSON")
    func storedForm() throws {
        var driver = try Self.deposited(at: EngineFixtures.monday)
        driver.now = Self.at("2026-03-09T09:00:00+01:00")
        try driver.act("demander-pieces", by: Self.agent)
        for run in driver.snapshot.clocks {
            #expect(ClockRun(json: run.json) == run)
        }
    }
}
