import Foundation
import Testing
@testable import Workflow

/// The identity document workflow (`passeport-identite`): waits on the citizen and on another
/// agency, timed ways out, a breach beside a timed way out.
@Suite("Engine: passport and identity card")
struct EnginePassportTests {
    static let accueil = Actors.agent("acc1", agency: "mairie-recueil", roles: ["agent-accueil-titres"])
    static let etatCivil = Actors.agent("ec1", agency: "etat-civil", roles: ["officier-etat-civil"])
    static let instructeur = Actors.agent("in1", agency: "cert-titres", roles: ["instructeur-cert"])

    static let data: JSONValue = [
        "usager": ["nom": "Durand", "prenoms": "Léa", "date_naissance": "1990-06-15",
                   "ne_a_l_etranger": false, "commune_comedec": true],
        "demande": ["titre": "cni", "motif": "renouvellement"],
    ]

    static func atRecueil() throws -> CaseDriver {
        var driver = try CaseDriver(EngineFixtures.example("passeport-identite"), data: data)
        try driver.act("prendre-rendez-vous", ["demande": ["numero_predemande": "AB12CD34EF"],
                                               "recueil": ["date_rendez_vous": "2026-03-10"]], by: Actors.citizen)
        return driver
    }

    static func atVerification() throws -> CaseDriver {
        var driver = try atRecueil()
        try driver.act("valider-recueil", [
            "pieces": ["photo": EngineFixtures.document("photo", issuer: "ants"),
                       "justificatif_domicile": EngineFixtures.document("facture", issuer: "edf")],
            "recueil": ["empreintes_recueillies": true],
        ], by: accueil)
        return driver
    }

    @Test("the timed way out: a pre-request left three months is abandoned")
    func abandonedPreRequest() throws {
        var driver = try CaseDriver(EngineFixtures.example("passeport-identite"), data: Self.data)
        #expect(driver.snapshot.state == "pre-demande")
        try driver.fire(.after, state: "pre-demande")
        #expect(driver.snapshot.status == .closed(outcome: "abandoned"))
        #expect(driver.snapshot.state == "abandonnee")
        #expect(driver.lastChange.history.map(\.event).first == "timer")
    }

    @Test("the appointment's date must not be past, and the pre-request number must match its pattern")
    func appointmentChecks() throws {
        var driver = try CaseDriver(EngineFixtures.example("passeport-identite"), data: Self.data)
        let past = driver.refusal(.action(name: "prendre-rendez-vous", data: [
            "demande": ["numero_predemande": "AB12CD34EF"], "recueil": ["date_rendez_vous": "2026-02-01"]], track: nil),
            by: Actors.citizen)
        #expect(past?.code == .guardFalse)
        let badNumber = driver.refusal(.action(name: "prendre-rendez-vous", data: [
            "demande": ["numero_predemande": "ab12"], "recueil": ["date_rendez_vous": "2026-03-10"]], track: nil),
            by: Actors.citizen)
        #expect(badNumber?.code == .invalidData)
        #expect(badNumber?.field == "demande.numero_predemande")
    }

    @Test("the collection routes by COMEDEC to the civil registry's verification")
    func collectionRoutes() throws {
        let driver = try Self.atVerification()
        #expect(driver.snapshot.state == "verification-etat-civil")
        #expect(driver.snapshot.waitingOn == "etat-civil")
        #expect(driver.snapshot.data.value(at: "recueil.date") == "2026-03-02")
        #expect(driver.snapshot.tasks.isEmpty)
        // The birth certificate is asked of the registry by COMEDEC, without consent (a legal basis).
        #expect(Set(driver.snapshot.timers.map(\.kind)) == [.after, .stateSLA, .request])
        let request = try #require(driver.snapshot.requests.first)
        #expect(request.request == "acte-naissance" && request.status == .sent && request.agency == "etat-civil")
    }

    @Test("the registry answers the birth certificate through its request; with nothing, the citizen is asked")
    func registryRequest() throws {
        var driver = try Self.atVerification()
        let request = try #require(driver.snapshot.requests.first)
        let officer = Actors.agent("ec1", agency: "etat-civil", roles: ["officier-etat-civil"])
        let acte = EngineFixtures.document("acte-naissance", issuer: "etat-civil")
        try driver.apply(.answerRequest(id: request.id, answer: .value(acte)), by: officer)
        #expect(driver.snapshot.data.value(at: "pieces.acte_naissance") == acte)
        #expect(driver.snapshot.state == "verification-etat-civil")

        var silent = try Self.atVerification()
        try silent.fire(.request)
        #expect(silent.snapshot.state == "attente-pieces" && silent.snapshot.requests.first?.status == .expired)
    }

    @Test("the registry's silence past the SLA raises the named exception in the instruction queue")
    func registryBreach() throws {
        var driver = try Self.atVerification()
        try driver.fire(.stateSLA, state: "verification-etat-civil")
        let task = try driver.escalation("etat-civil-sans-reponse")
        #expect(task.queue == "instruction-titres")
        #expect(driver.snapshot.state == "verification-etat-civil")
        // The breach escalates once per entry: the SLA timer is consumed.
        #expect(!driver.snapshot.timers.contains { $0.kind == .stateSLA })
    }

    @Test("the timed way out wins over a breach that falls due with it")
    func afterBeatsBreach() throws {
        var driver = try Self.atVerification()
        let exit = try driver.timer(.after, state: "verification-etat-civil")
        let sla = try driver.timer(.stateSLA, state: "verification-etat-civil")
        driver.now = exit.dueAt
        let change = try driver.apply(.timerFired(timerID: sla.id), by: .engine)
        #expect(driver.snapshot.state == "attente-pieces")
        #expect(driver.escalations.isEmpty)
        #expect(change.removedTimers.contains(exit.id) && change.removedTimers.contains(sla.id))
        #expect(change.history.first?.context?.value(at: "instead_of") == "sla")
    }

    @Test("the registry confirms, the CERT validates, the title is handed over at the counter")
    func deliveredTitle() throws {
        var driver = try Self.atVerification()
        try driver.act("confirmer-acte", by: Self.etatCivil)
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.snapshot.data.value(at: "etat_civil.verifie") == true)
        try driver.act("valider", by: Self.instructeur)
        #expect(driver.snapshot.state == "fabrication")
        try driver.act("expedier", by: Actors.agent("ants1", agency: "ants", roles: ["agent-ants"]))
        #expect(driver.snapshot.state == "remise")
        #expect(driver.snapshot.waitingOn == "usager")
        #expect(driver.refusal(.action(name: "remettre-titre", data: ["remise": ["empreinte_verifiee": true]], track: nil),
                               by: Actors.citizen)?.code == .roleNotAllowed)
        let falseGuard = driver.refusal(.action(name: "remettre-titre", data: ["remise": ["empreinte_verifiee": false]],
                                                track: nil), by: Self.accueil)
        #expect(falseGuard?.code == .guardFalse)
        try driver.act("remettre-titre", ["remise": ["empreinte_verifiee": true]], by: Self.accueil)
        #expect(driver.snapshot.status == .closed(outcome: "accepted"))
    }

    @Test("a title never collected is destroyed after three months")
    func titleNotCollected() throws {
        var driver = try Self.atVerification()
        try driver.act("confirmer-acte", by: Self.etatCivil)
        try driver.act("valider", by: Self.instructeur)
        try driver.act("expedier", by: Actors.agent("ants1", agency: "ants", roles: ["agent-ants"]))
        try driver.fire(.after, state: "remise")
        #expect(driver.snapshot.status == .closed(outcome: "destroyed"))
    }

    @Test("a lost card without the declaration of loss waits for the citizen's documents")
    func lostCardNeedsDeclaration() throws {
        var data = Self.data
        try data.setValue("perte", at: "demande.motif")
        var driver = try CaseDriver(EngineFixtures.example("passeport-identite"), data: data)
        try driver.act("prendre-rendez-vous", ["demande": ["numero_predemande": "AB12CD34EF"],
                                               "recueil": ["date_rendez_vous": "2026-03-10"]], by: Actors.citizen)
        try driver.act("valider-recueil", [
            "pieces": ["photo": EngineFixtures.document("photo", issuer: "ants"),
                       "justificatif_domicile": EngineFixtures.document("facture", issuer: "edf")],
            "recueil": ["empreintes_recueillies": true],
        ], by: Self.accueil)
        #expect(driver.snapshot.state == "attente-pieces")
        #expect(driver.snapshot.waitingOn == "usager")
    }

    @Test("the collection queue has no SLA: the state's stall detection owns the case, re-armed by each event")
    func stallRearmed() throws {
        var driver = try Self.atRecueil()
        #expect(driver.snapshot.state == "recueil")
        let stall = try driver.timer(.stall, state: "recueil")
        driver.now = driver.now.addingTimeInterval(3600)
        let change = try driver.apply(.correctData(["pieces": ["photo": EngineFixtures.document("photo", issuer: "ants")]]),
                                      by: Self.accueil)
        let rearmed = try driver.timer(.stall, state: "recueil")
        #expect(rearmed.id != stall.id)
        #expect(change.removedTimers == [stall.id])
        #expect(change.createdTimers.map(\.id) == [rearmed.id])
        try driver.fire(.stall, state: "recueil")
        #expect(try driver.escalation("stalled").queue == "supervision-cert")
        // Firing again while the stall escalation is open does not duplicate it.
        try driver.fire(.stall, state: "recueil")
        #expect(driver.escalations == ["stalled"])
    }
}
