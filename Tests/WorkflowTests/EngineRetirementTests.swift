import Foundation
import Testing
@testable import Workflow

/// The retirement workflow (`retraite-multi-statuts`) driven along its paths.
@Suite("Engine: retirement across several pension bodies")
struct EngineRetirementTests {
    static let rh = Actors.agent("rh1", agency: "armees", roles: ["gestionnaire-rh"])
    static let sre = Actors.agent("sre1", agency: "sre", roles: ["gestionnaire-sre"])
    static let liquidateur = Actors.agent("liq1", agency: "sre", roles: ["liquidateur-sre"])
    static let cnracl = Actors.agent("cn1", agency: "cnracl", roles: ["gestionnaire-cnracl"])
    static let ircantec = Actors.agent("ir1", agency: "ircantec", roles: ["gestionnaire-ircantec"])
    static let coordination = Actors.agent("co1", agency: "armees", roles: ["coordinateur-retraite"])

    static func data(statuts: [String] = ["contractuel", "fonctionnaire_hospitalier", "fonctionnaire_etat"]) -> JSONValue {
        [
            "usager": ["nir": "2620375123456", "nom": "Martin", "date_naissance": "1962-03-10"],
            "retraite": ["date_depart_souhaitee": "2026-09-01", "motif": "anciennete"],
            "carriere": ["statuts": .array(statuts.map(JSONValue.string))],
        ]
    }

    /// A case deposited by the citizen, now in `instruction-parts`.
    static func deposited(statuts: [String] = ["contractuel", "fonctionnaire_hospitalier", "fonctionnaire_etat"])
        throws -> CaseDriver
    {
        var driver = try CaseDriver(EngineFixtures.example("retraite-multi-statuts"), data: data(statuts: statuts))
        try driver.act("deposer", ["pieces": ["demande_retraite": EngineFixtures.document("demande", issuer: "armees")]],
                       by: Actors.citizen)
        return driver
    }

    @Test("a new case waits for the citizen in 'depot', with its timed way out")
    func creation() throws {
        let driver = try CaseDriver(EngineFixtures.example("retraite-multi-statuts"), data: Self.data())
        #expect(driver.snapshot.state == "depot")
        #expect(driver.snapshot.waitingOn == "usager")
        #expect(driver.lastChange.history.map(\.event) == ["created", "entered"])
        #expect(driver.snapshot.timers.map(\.kind) == [.after])
        #expect(driver.snapshot.tasks.isEmpty)
    }

    @Test("the deposit routes to the parallel instruction and opens the four tracks")
    func ordinaryPath() throws {
        var driver = try Self.deposited()
        #expect(driver.snapshot.state == "instruction-parts")
        #expect(driver.snapshot.data.value(at: "retraite.date_depot") == "2026-03-02")
        #expect(driver.trackStates == ["carriere:reconstitution-carriere", "cnracl:attente-cnracl",
                                       "ircantec:attente-ircantec", "sre:instruction-part-sre"])
        #expect(driver.workQueues == ["instruction-sre", "rh-carriere"])
        #expect(driver.snapshot.waitingOn == "engine")
        #expect(driver.snapshot.tracks.first { $0.track == "cnracl" }?.waitingOn == "cnracl")
        let history = driver.lastChange.history.map(\.event)
        #expect(history.filter { $0 == "track-opened" }.count == 4)
        #expect(history.contains("routed"))
        // The carriere track requires the état des services as well as the quarters.
        let missing = driver.refusal(.action(name: "valider-part", data: ["carriere": ["trimestres": 172]], track: nil),
                                     by: Self.rh)
        #expect(missing?.code == .requiredFieldMissing)
        #expect(missing?.field == "carriere.etat_services")
    }

    @Test("each body validates its part; the join leads to liquidation, then the pension is granted")
    func tracksJoinThenLiquidation() throws {
        var driver = try Self.deposited()
        try driver.act("valider-part", ["carriere": ["trimestres": 172, "etat_services": EngineFixtures.document("etat", issuer: "armees")]],
                       by: Self.rh)
        #expect(driver.trackStates.contains("carriere:carriere-validee!"))
        #expect(driver.snapshot.data.value(at: "carriere.date_validation") == "2026-03-02")
        #expect(!driver.workQueues.contains("rh-carriere"))

        try driver.act("valider-part", ["pension": ["sre": ["montant": "1834.27"]]], by: Self.sre)
        try driver.act("valider-part", ["pension": ["cnracl": ["montant": "412.5"]]], by: Self.cnracl)
        #expect(driver.snapshot.state == "instruction-parts")
        let change = try driver.act("valider-part", ["pension": ["ircantec": ["points": 1200]]], by: Self.ircantec)
        #expect(change.history.map(\.event).contains("joined"))
        #expect(driver.snapshot.state == "liquidation")
        #expect(driver.snapshot.tracks.isEmpty)
        #expect(driver.workQueues == ["liquidation-sre"])
        #expect(driver.snapshot.timers.allSatisfy { $0.track == nil && $0.state == "liquidation" })
        #expect(driver.snapshot.timers.contains { $0.kind == .stall })

        try driver.act("liquider", ["liquidation": ["date_effet": "2026-09-01"]], by: Self.liquidateur)
        #expect(driver.snapshot.status == .closed(outcome: "accepted"))
        #expect(driver.snapshot.state == "pension-concedee")
        #expect(driver.lastChange.history.last?.event == "closed")
    }

    @Test("the action name shared by open tracks is refused as ambiguous without a track, and works with one")
    func ambiguousSharedAction() throws {
        var driver = try Self.deposited()
        let refusal = driver.refusal(.action(name: "valider-part", data: nil, track: nil), by: Actors.operatorUser)
        #expect(refusal?.code == .ambiguousTrack)
        #expect(refusal?.message.contains("cnracl") == true)
        // An agent holding roles in two bodies is ambiguous too.
        let both = Actors.agent("x", agency: "cnracl", roles: ["gestionnaire-rh"])
        #expect(driver.refusal(.action(name: "valider-part", data: nil, track: nil), by: both)?.code == .ambiguousTrack)

        try driver.act("valider-part", ["pension": ["cnracl": ["montant": "412.5"]]], track: "cnracl", by: Actors.operatorUser)
        #expect(driver.trackStates.contains("cnracl:part-cnracl-validee!"))
        // A CNRACL agent's valider-part can only mean the CNRACL track: here it has finished.
        #expect(driver.refusal(.action(name: "valider-part", data: nil, track: "cnracl"), by: Self.cnracl)?.code
            == .actionNotAvailable)
    }

    @Test("a career without contractual periods opens no IRCANTEC track")
    func noContractualNoIrcantec() throws {
        let driver = try Self.deposited(statuts: ["fonctionnaire_hospitalier", "fonctionnaire_etat"])
        #expect(driver.trackStates == ["carriere:reconstitution-carriere", "cnracl:attente-cnracl", "sre:instruction-part-sre"])
        let skipped = try #require(driver.lastChange.history.first { $0.event == "track-skipped" })
        #expect(skipped.track == "ircantec")
        #expect(driver.escalations.isEmpty)
    }

    @Test("the join waits for every opened track only")
    func joinOverOpenedTracks() throws {
        var driver = try Self.deposited(statuts: ["fonctionnaire_etat"])
        #expect(driver.trackStates == ["carriere:reconstitution-carriere", "sre:instruction-part-sre"])
        try driver.act("valider-part", ["carriere": ["trimestres": 160, "etat_services": EngineFixtures.document("etat", issuer: "armees")]],
                       by: Self.rh)
        try driver.act("valider-part", ["pension": ["sre": ["montant": 2000]]], by: Self.sre)
        #expect(driver.snapshot.state == "liquidation")
    }

    @Test("an unknown career status escalates to the coordination cell and holds the case in the control")
    func unknownStatusEscalates() throws {
        let driver = try Self.deposited(statuts: ["autre", "fonctionnaire_etat"])
        #expect(driver.snapshot.state == "controle-dossier")
        let task = try driver.escalation("statut-inconnu")
        #expect(task.queue == "cellule-coordination")
        #expect(task.slaDueAt != nil)
        #expect(task.escalation?.context.value(at: "rule") == 1)
        #expect(driver.snapshot.timers.contains { $0.kind == .escalationSLA && $0.taskID == task.id })
    }

    @Test("the coordination cell overrides the held case into the instruction")
    func coordinationOverrides() throws {
        var driver = try Self.deposited(statuts: ["autre", "fonctionnaire_etat"])
        try driver.apply(.override(state: "instruction-parts", track: nil), by: Self.coordination,
                         note: "Militaire détaché : instruit comme fonctionnaire de l'État")
        #expect(driver.snapshot.state == "instruction-parts")
        #expect(driver.escalations.isEmpty)
        #expect(driver.lastChange.closedTasks.first?.resolution.contains("override") == true)
    }

    @Test("a citizen withdraws through the global action, whatever the tracks are doing")
    func withdrawal() throws {
        var driver = try Self.deposited()
        #expect(driver.refusal(.action(name: "desistement", data: nil, track: nil), by: Actors.citizen)?.code == .noteRequired)
        try driver.act("desistement", by: Actors.citizen, note: "Je prolonge mon activité")
        #expect(driver.snapshot.status == .closed(outcome: "withdrawn"))
        #expect(driver.snapshot.data.value(at: "retraite.date_desistement") == "2026-03-02")
        // The two tracks' work, and the SRE's task for its career statement, still unanswered.
        #expect(driver.lastChange.closedTasks.count == 3)
        #expect(driver.lastChange.closedTasks.filter { $0.resolution.hasPrefix("request cancelled: ") }.count == 1)
        #expect(driver.snapshot.tracks.isEmpty && driver.snapshot.tasks.isEmpty)
    }

    @Test("a counter agent withdraws for the citizen, recorded as such; other actors may not")
    func withdrawalAtCounter() throws {
        var driver = try Self.deposited()
        #expect(driver.refusal(.action(name: "desistement", data: nil, track: nil), by: .engine, note: "x")?.code
            == .roleNotAllowed)
        try driver.act("desistement", by: Self.rh, note: "Demande écrite de l'agent")
        let entry = try #require(driver.lastChange.history.first { $0.event == "action" })
        #expect(entry.actor == "agent:rh1")
        #expect(entry.context?.value(at: "for") == "usager")
    }

    @Test("relaunch reminders escalate from the CNRACL track and the case stays")
    func reminders() throws {
        var driver = try Self.deposited()
        try driver.fire(.after, state: "attente-cnracl", index: 0)
        let task = try driver.escalation("relance-caisse")
        #expect(task.queue == "rh-carriere")
        #expect(task.track == "cnracl")
        #expect(driver.trackStates.contains("cnracl:attente-cnracl"))
        try driver.fire(.stateSLA, state: "attente-cnracl")
        #expect(try driver.escalation("caisse-sans-reponse").queue == "cellule-coordination")
    }

    @Test("the parallel state's breach raises its on_breach exception in the escalation queue")
    func parallelBreach() throws {
        var driver = try Self.deposited()
        try driver.fire(.stateSLA, state: "instruction-parts")
        let task = try driver.escalation("instruction-hors-delai")
        #expect(task.queue == "cellule-coordination")
        #expect(task.track == nil)
    }
}
