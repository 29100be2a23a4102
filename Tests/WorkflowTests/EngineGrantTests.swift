import Foundation
import Testing
@testable import Workflow

/// The student grant workflow (`bourse-sur-criteres-sociaux`): decision rules, a value computed
/// by `set`, and "silence vaut accord" by a legal clock.
@Suite("Engine: student grant on social criteria")
struct EngineGrantTests {
    static let gestionnaire = Actors.agent("g1", agency: "crous", roles: ["gestionnaire-bourses"])

    static let data: JSONValue = [
        "etudiant": ["ine": "0123456789A", "date_naissance": "2006-05-04"],
        "campagne": ["date_rentree": "2026-09-01"],
    ]

    static func dse(revenu: JSONValue = "14000", situation: String = "parents", distance: Int = 120) -> JSONValue {
        [
            "foyer": ["situation": .string(situation), "revenu_brut_global": revenu],
            "etudiant": ["distance_km": .number(JSONNumber(distance))],
            "pieces": ["avis_imposition": EngineFixtures.document("avis-imposition", issuer: "dgfip")],
        ]
    }

    static func inInstruction(revenu: JSONValue = "14000", distance: Int = 120) throws -> CaseDriver {
        var driver = try CaseDriver(EngineFixtures.example("bourse-sur-criteres-sociaux"), data: data)
        try driver.act("valider-dse", dse(revenu: revenu, distance: distance), by: Actors.citizen)
        return driver
    }

    static func pieces(distancePoints: Int, children: Int = 1, students: Int = 0) -> JSONValue {
        ["bourse": ["points_distance": .number(JSONNumber(distancePoints))],
         "foyer": ["enfants_a_charge": .number(JSONNumber(children)), "enfants_etudiants": .number(JSONNumber(students))]]
    }

    @Test("an admissible file goes to the CROUS instruction queue")
    func admissible() throws {
        let driver = try Self.inInstruction()
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.workQueues == ["instruction-bourses"])
        #expect(driver.lastChange.history.contains { $0.event == "routed" && $0.toState == "instruction" })
    }

    @Test("the échelon follows from the income and the computed charge points")
    func echelon() throws {
        var driver = try Self.inInstruction(revenu: "14000")
        try driver.act("valider-pieces", Self.pieces(distancePoints: 1, children: 1), by: Self.gestionnaire)
        // points_charge = 1 + 2 × 1 = 3; 14000 <= 12000 + 3600 → échelon 6.
        #expect(driver.snapshot.data.value(at: "bourse.points_charge") == 3)
        #expect(driver.snapshot.state == "echelon-6")
        #expect(driver.snapshot.waitingOn == "usager")
        let routed = try #require(driver.lastChange.history.first { $0.event == "routed" && $0.fromState == "bareme" })
        #expect(routed.context?.value(at: "rule") == 3)
    }

    @Test("silence vaut accord: without an answer two months after confirmation, the grant is deemed given")
    func silenceMeansConsent() throws {
        var driver = try Self.inInstruction(revenu: "14000")
        try driver.act("valider-pieces", Self.pieces(distancePoints: 1), by: Self.gestionnaire)
        try driver.act("confirmer-inscription",
                       ["pieces": ["certificat_scolarite": EngineFixtures.document("certificat", issuer: "etablissement")]],
                       by: Actors.citizen)
        #expect(driver.snapshot.state == "verification-inscription")
        #expect(driver.snapshot.data.value(at: "bourse.echelon") == "6")
        #expect(driver.workQueues == ["notification-bourses"])
        // The clock 'notification' runs from the confirmation; its expiry decides by silence.
        let clock = try #require(driver.snapshot.clocks.first { $0.name == "notification" })
        let due = try WorkflowDuration.months(2).added(to: driver.now)
        #expect(clock.status == .running && clock.dueAt == due)
        try driver.fire(.clockExpiry, state: "notification")
        #expect(driver.snapshot.status == .closed(outcome: "accepted"))
        #expect(driver.snapshot.state == "accord-tacite")
        #expect(driver.lastChange.closedTasks.count == 1)
        #expect(driver.snapshot.clocks.first { $0.name == "notification" }?.status == .expired)
    }

    @Test("income above every ceiling takes 'otherwise' to the rejection")
    func aboveCeilings() throws {
        var driver = try Self.inInstruction(revenu: 90000)
        try driver.act("valider-pieces", Self.pieces(distancePoints: 0, children: 0), by: Self.gestionnaire)
        #expect(driver.snapshot.status == .closed(outcome: "rejected"))
        #expect(driver.snapshot.state == "rejet-ressources")
    }

    @Test("distance points inconsistent with the distance escalate before any échelon")
    func inconsistentPoints() throws {
        var driver = try Self.inInstruction(revenu: "14000", distance: 300)
        try driver.act("valider-pieces", Self.pieces(distancePoints: 1), by: Self.gestionnaire)
        #expect(driver.snapshot.state == "bareme")
        let task = try driver.escalation("points-incoherents")
        #expect(task.queue == "instruction-bourses")
    }

    @Test("a student declaring independence is examined apart, with the queue's SLA")
    func independence() throws {
        var driver = try CaseDriver(EngineFixtures.example("bourse-sur-criteres-sociaux"), data: Self.data)
        try driver.act("valider-dse", Self.dse(situation: "independant"), by: Actors.citizen)
        #expect(driver.snapshot.state == "recevabilite")
        let task = try driver.escalation("independance-financiere")
        #expect(task.queue == "examen-particulier")
        #expect(task.slaDueAt != nil)
    }

    @Test("a student of 28 or more at the start of term is escalated for an age exemption")
    func ageLimit() throws {
        var data = Self.data
        try data.setValue("1995-01-01", at: "etudiant.date_naissance")
        var driver = try CaseDriver(EngineFixtures.example("bourse-sur-criteres-sociaux"), data: data)
        try driver.act("valider-dse", Self.dse(), by: Actors.citizen)
        #expect(try driver.escalation("limite-age").queue == "examen-particulier")
    }

    @Test("an override by the exam queue resolves the escalation and moves the case on")
    func examOverride() throws {
        var driver = try CaseDriver(EngineFixtures.example("bourse-sur-criteres-sociaux"), data: Self.data)
        try driver.act("valider-dse", Self.dse(situation: "independant"), by: Actors.citizen)
        let assistante = Actors.agent("as1", agency: "crous", roles: ["assistante-sociale"])
        try driver.apply(.override(state: "instruction", track: nil), by: assistante, note: "Indépendance établie")
        #expect(driver.snapshot.state == "instruction")
        #expect(driver.escalations.isEmpty)
    }
}
