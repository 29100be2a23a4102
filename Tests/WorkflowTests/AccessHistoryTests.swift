import Foundation
import Testing
@testable import Workflow

/// History and escalations as agents see them: data diffs and the contexts the engine really
/// writes (rule values, missing fields, a failed `set`, a failed rule) without hidden data.
@Suite("Access: history and escalations without hidden data")
struct AccessHistoryTests {
    static let text = """
    id: acces-secret
    version: 1
    agencies:
      mairie: { name: "Mairie" }
      medecine: { name: "Service médical" }
    roles:
      guichet: { agency: mairie }
      superviseur: { agency: mairie }
      medecin: { agency: medecine }
      infirmier: { agency: medecine }
    queues:
      accueil: { role: guichet }
      escalades: { role: superviseur, sla: 2d }
    fields:
      nom: { type: string, required: true }
      statut: { type: enum, values: [a, b, c] }
      calcul: { type: int, min: 0 }
      sante.taux: { type: int, visible_to: ["role:medecin"] }
      sante.avis: { type: string, visible_to: [medecine] }
    escalation: { queue: escalades }
    start: accueil
    states:
      accueil:
        queue: accueil
        sla: 30d
        on:
          trier: { to: tri }
          calculer: { to: fin, set: { calcul: "sante.taux - 200" } }
          comparer: { to: ratio }
      tri:
        choose:
          - when: 'sante.taux > 50 and statut == "a"'
            to: fin
          - when: 'statut == "b"'
            to: fin
      ratio:
        choose:
          - when: 'sante.taux / calcul > 1'
            to: fin
        otherwise: { to: fin }
      fin: { final: true, outcome: accepted }
    """

    static func access(_ agency: String, _ roles: Set<String>) throws -> CaseAccess {
        CaseAccess(agent: Agent(id: "x", agency: agency, roles: roles, createdAt: Date()), definition: try EngineFixtures.workflow(text))
    }

    static func driver(_ data: JSONValue) throws -> CaseDriver {
        try CaseDriver(try EngineFixtures.workflow(text), data: data)
    }

    @Test("a data diff keeps only the fields the agent sees")
    func diff() throws {
        let driver = try Self.driver(["nom": "Durand", "statut": "c", "sante": ["taux": 60, "avis": "apte"]])
        let created = try #require(driver.lastChange.history.first { $0.event == "created" })
        #expect(try Self.access("mairie", ["guichet"]).visibleHistory(created).dataDiff
            == ["nom": ["from": .null, "to": "Durand"], "statut": ["from": .null, "to": "c"]])
        #expect(try Self.access("medecine", ["infirmier"]).visibleHistory(created).dataDiff?.objectValue?.keys.sorted()
            == ["nom", "sante.avis", "statut"])
        #expect(try Self.access("medecine", ["medecin"]).visibleHistory(created) == created)
        #expect(try Self.access("prefecture", ["guichet"]).visibleHistory(created).dataDiff == nil)
    }

    @Test("no-rule-matched: the values a rule read from hidden fields are withheld, and said to be")
    func ruleValues() throws {
        var driver = try Self.driver(["nom": "Durand", "statut": "c", "sante": ["taux": 60]])
        try driver.act("trier", by: Actors.operatorUser)
        let escalation = try #require(try driver.escalation("no-rule-matched").escalation)
        let guichet = try Self.access("mairie", ["guichet"]).visibleEscalation(escalation)
        let rules = try #require(guichet.context.value(at: "rules")?.arrayValue)
        #expect(rules[0].value(at: "values") == ["statut": "c"])
        #expect(rules[0].value(at: "redacted") == true && rules[0].value(at: "when") == #"sante.taux > 50 and statut == "a""#)
        #expect(rules[1].value(at: "values") == ["statut": "c"] && rules[1].value(at: "redacted") == nil)
        #expect(guichet.context.value(at: "redacted") == true)
        #expect(!guichet.context.serialized().contains("60"))
        #expect(try Self.access("medecine", ["medecin"]).visibleEscalation(escalation) == escalation)
    }

    @Test("missing-data naming a hidden field: the field is not named, the rule still is")
    func missingHiddenField() throws {
        var driver = try Self.driver(["nom": "Durand", "statut": "a"])
        try driver.act("trier", by: Actors.operatorUser)
        let escalation = try #require(try driver.escalation("missing-data").escalation)
        #expect(escalation.context.value(at: "field") == "sante.taux")
        let guichet = try Self.access("mairie", ["guichet"]).visibleContext(escalation.context)
        #expect(guichet.value(at: "field") == nil && guichet.value(at: "fields") == [])
        #expect(guichet.value(at: "rule") == 1 && guichet.value(at: "redacted") == true)
        let entry = try #require(driver.lastChange.history.first { $0.event == "escalated" })
        let seen = try Self.access("mairie", ["superviseur"]).visibleHistory(entry)
        #expect(seen.context?.value(at: "field") == nil && seen.context?.value(at: "queue") == "escalades")
        #expect(!(seen.context?.serialized().contains("sante.taux\"") ?? true))
        #expect(try Self.access("medecine", ["medecin"]).visibleHistory(entry) == entry)
    }

    @Test("a set computed from a hidden field: its value, reason and the data sent are withheld")
    func failedSet() throws {
        var driver = try Self.driver(["nom": "Durand"])
        try driver.act("calculer", ["sante": ["taux": 60]], by: Actors.operatorUser)
        let escalation = try #require(try driver.escalation("invalid-data").escalation)
        #expect(escalation.context.value(at: "value") == -140)
        let guichet = try Self.access("mairie", ["guichet"]).visibleContext(escalation.context)
        #expect(guichet == [
            "action": "calculer", "field": "calcul", "data": [:],
            "reason": .string(CaseAccess.redactedText), "redacted": true,
        ])
        #expect(try Self.access("medecine", ["medecin"]).visibleContext(escalation.context) == escalation.context)
    }

    @Test("a rule that fails on a hidden field: its error text is withheld")
    func failedRule() throws {
        var driver = try Self.driver(["nom": "Durand", "calcul": 0, "sante": ["taux": 60]])
        try driver.act("comparer", by: Actors.operatorUser)
        let failed = try #require(driver.lastChange.history.first { $0.event == "step-failed" })
        #expect(failed.context?.value(at: "error")?.stringValue?.isEmpty == false)
        let guichet = try Self.access("mairie", ["guichet"]).visibleHistory(failed)
        #expect(guichet.context?.value(at: "error") == .string(CaseAccess.redactedText))
        #expect(guichet.context?.value(at: "attempt") == failed.context?.value(at: "attempt"))
        #expect(try Self.access("medecine", ["medecin"]).visibleHistory(failed) == failed)
    }

    @Test("contexts about visible data only are left as they are")
    func visibleOnly() throws {
        var driver = try Self.driver(["nom": "Durand", "statut": "c", "sante": ["taux": 10]])
        try driver.act("trier", by: Actors.operatorUser)
        let guichet = try Self.access("mairie", ["guichet"])
        for entry in driver.lastChange.history where entry.event != "escalated" {
            #expect(guichet.visibleHistory(entry) == entry, "\(entry.event)")
        }
        let context: JSONValue = ["field": "statut", "fields": ["statut"], "value": "c", "reason": "not among the values",
                                  "data": ["statut": "c", "nom": "X"], "when": #"statut == "a""#]
        #expect(guichet.visibleContext(context) == context)
    }

    @Test("an agent who may not know the case gets no diff and empty contexts")
    func stranger() throws {
        var driver = try Self.driver(["nom": "Durand", "statut": "c", "sante": ["taux": 60]])
        try driver.act("trier", by: Actors.operatorUser)
        let stranger = try Self.access("prefecture", ["instructeur"])
        for entry in driver.snapshot.tasks.compactMap(\.escalation) {
            #expect(stranger.visibleEscalation(entry).context == [:])
        }
        let snapshot = stranger.visibleSnapshot(driver.snapshot)
        #expect(snapshot.data == [:])
    }

    @Test("a snapshot and its tasks come out filtered together")
    func snapshot() throws {
        var driver = try Self.driver(["nom": "Durand", "statut": "c", "sante": ["taux": 60, "avis": "apte"]])
        try driver.act("trier", by: Actors.operatorUser)
        let visible = try Self.access("mairie", ["guichet"]).visibleSnapshot(driver.snapshot)
        #expect(visible.data == ["nom": "Durand", "statut": "c"])
        #expect(visible.tasks.count == driver.snapshot.tasks.count)
        #expect(!visible.tasks.contains { $0.escalation?.context.serialized().contains("60") == true })
    }
}
