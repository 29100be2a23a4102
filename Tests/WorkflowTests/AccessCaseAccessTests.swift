import Foundation
import Testing
@testable import Workflow

/// Who knows, sees and works what, on the three example workflows: a matrix of agents (by
/// agency and role) × fields, built from the examples' real `visible_to`, roles and queues.
@Suite("Access: what each agent knows and sees in the example workflows")
struct AccessCaseAccessTests {
    /// One agent of the matrix and what it must get in one workflow.
    struct Expectation: CustomTestStringConvertible, Sendable {
        var agency: String
        var roles: Set<String>
        var designer = false
        var supervisor = false
        var knows: Bool
        /// The declared fields it must not see (every other one it must, when it knows cases).
        var hidden: Set<String> = []
        var queues: [String] = []

        var testDescription: String { "\(agency) [\(roles.sorted().joined(separator: ","))]\(designer ? " designer" : "")\(supervisor ? " supervisor" : "")" }

        var agent: Agent {
            Agent(id: "matrix", agency: agency, roles: roles, designer: designer, supervisor: supervisor, createdAt: Date())
        }
    }

    static let retirementMedical: Set<String> = ["sante.taux_invalidite", "sante.rapport_medical"]

    static let retirement: [Expectation] = [
        .init(agency: "armees", roles: ["gestionnaire-rh"], knows: true, hidden: retirementMedical, queues: ["rh-carriere"]),
        .init(agency: "armees", roles: ["coordinateur-retraite"], knows: true, hidden: retirementMedical,
              queues: ["cellule-coordination"]),
        .init(agency: "armees", roles: ["medecin-conseil"], knows: true, queues: ["conseil-medical"]),
        .init(agency: "armees", roles: ["gestionnaire-rh", "medecin-conseil"], knows: true,
              queues: ["rh-carriere", "conseil-medical"]),
        .init(agency: "sre", roles: ["gestionnaire-sre"], knows: true, hidden: retirementMedical,
              queues: ["instruction-sre", "liquidation-sre"]),
        .init(agency: "sre", roles: ["liquidateur-sre"], knows: true, hidden: retirementMedical, queues: ["liquidation-sre"]),
        .init(agency: "cnracl", roles: ["gestionnaire-cnracl"], knows: true, hidden: retirementMedical),
        .init(agency: "ircantec", roles: ["gestionnaire-ircantec"], knows: true, hidden: retirementMedical),
        // A role of the workflow held in the wrong agency counts for nothing: not medicine, not a queue.
        .init(agency: "sre", roles: ["gestionnaire-sre", "medecin-conseil"], knows: true, hidden: retirementMedical,
              queues: ["instruction-sre", "liquidation-sre"]),
        .init(agency: "sre", roles: ["medecin-conseil"], knows: false),
        // An agency of the workflow without one of its roles; an agency outside it; designers and
        // supervisors with no role of the workflow.
        .init(agency: "armees", roles: [], knows: false),
        .init(agency: "armees", roles: ["instructeur-cert"], knows: false),
        .init(agency: "cert-titres", roles: ["instructeur-cert"], knows: false),
        .init(agency: "armees", roles: [], designer: true, knows: false),
        .init(agency: "armees", roles: [], supervisor: true, knows: false),
        .init(agency: "armees", roles: ["coordinateur-retraite"], supervisor: true, knows: true, hidden: retirementMedical,
              queues: ["cellule-coordination"]),
    ]

    static let passport: [Expectation] = [
        .init(agency: "mairie-recueil", roles: ["agent-accueil-titres"], knows: true, hidden: ["pieces.acte_naissance"],
              queues: ["recueil-titres", "remise-titres"]),
        .init(agency: "cert-titres", roles: ["instructeur-cert"], knows: true, queues: ["instruction-titres", "supervision-cert"]),
        .init(agency: "cert-titres", roles: ["superviseur-cert"], knows: true, queues: ["fraude-documentaire", "supervision-cert"]),
        .init(agency: "etat-civil", roles: ["officier-etat-civil"], knows: true),
        .init(agency: "ants", roles: ["agent-ants"], knows: true, hidden: ["pieces.acte_naissance"]),
        .init(agency: "mairie-recueil", roles: ["instructeur-cert"], knows: false),
        .init(agency: "sre", roles: ["gestionnaire-sre"], knows: false),
        .init(agency: "cert-titres", roles: [], designer: true, supervisor: true, knows: false),
    ]

    static let grant: [Expectation] = [
        .init(agency: "crous", roles: ["gestionnaire-bourses"], knows: true, hidden: ["etudiant.handicap"],
              queues: ["instruction-bourses", "notification-bourses"]),
        .init(agency: "crous", roles: ["assistante-sociale"], knows: true, queues: ["examen-particulier"]),
        .init(agency: "crous", roles: ["responsable-bourses"], knows: true, queues: ["examen-particulier", "supervision-bourses"]),
        .init(agency: "etablissement", roles: ["scolarite"], knows: true, hidden: ["etudiant.handicap"]),
        .init(agency: "etablissement", roles: ["assistante-sociale"], knows: false),
        .init(agency: "crous", roles: ["scolarite"], knows: false),
        .init(agency: "armees", roles: ["gestionnaire-rh"], knows: false),
    ]

    static func definition(_ name: String) throws -> WorkflowDefinition { try EngineFixtures.example(name) }

    /// A value at every declared field, so that filtering shows exactly which ones are kept.
    static func fullData(_ definition: WorkflowDefinition, only paths: [String]? = nil) throws -> JSONValue {
        var data = JSONValue.object([:])
        for path in paths ?? definition.fields.map(\.path.value) {
            try data.setValue(.string("value of \(path)"), at: path)
        }
        return data
    }

    static func check(_ expectation: Expectation, in name: String) throws {
        let definition = try Self.definition(name)
        let access = CaseAccess(agent: expectation.agent, definition: definition)
        let all = definition.fields.map(\.path.value)
        #expect(access.mayKnowCases == expectation.knows)
        #expect(access.mayCreateCases == expectation.knows)
        #expect(access.queues == expectation.queues)
        for queue in definition.queues.map(\.id.value) {
            #expect(access.mayWorkOn(queue: queue) == expectation.queues.contains(queue), "\(queue)")
        }
        let seen = expectation.knows ? all.filter { !expectation.hidden.contains($0) } : []
        #expect(access.visibleFieldPaths == seen)
        for path in all {
            #expect(access.mayView(field: path) == seen.contains(path), "\(path)")
        }
        #expect(access.visibleData(try fullData(definition)) == (expectation.knows ? try fullData(definition, only: seen) : .object([:])))
        // The actor handed to the engine keeps only the roles that count in this workflow.
        #expect(access.actor.kind == .agent(id: "matrix", agency: expectation.agency,
                                            roles: expectation.knows ? access.roles : [], supervisor: expectation.supervisor))
        #expect(access.roles.isSubset(of: expectation.roles))
    }

    @Test("retraite-multi-statuts: medical fields only for the medecin-conseil of the armees", arguments: retirement)
    func retirementMatrix(_ expectation: Expectation) throws {
        try Self.check(expectation, in: "retraite-multi-statuts")
    }

    @Test("passeport-identite: the birth certificate for the CERT and the civil registry only", arguments: passport)
    func passportMatrix(_ expectation: Expectation) throws {
        try Self.check(expectation, in: "passeport-identite")
    }

    @Test("bourse-sur-criteres-sociaux: disability for the social worker and the head of grants only", arguments: grant)
    func grantMatrix(_ expectation: Expectation) throws {
        try Self.check(expectation, in: "bourse-sur-criteres-sociaux")
    }

    @Test("a role counts only in the agency the workflow gives it to")
    func rolesOfTheAgency() throws {
        let definition = try Self.definition("retraite-multi-statuts")
        let agent = Agent(id: "mixed", agency: "sre", roles: ["gestionnaire-sre", "medecin-conseil", "ailleurs"], createdAt: Date())
        let access = CaseAccess(agent: agent, definition: definition)
        #expect(access.roles == ["gestionnaire-sre"])
        #expect(access.actor.kind == .agent(id: "mixed", agency: "sre", roles: ["gestionnaire-sre"], supervisor: false))
        #expect(agent.actor.kind == .agent(id: "mixed", agency: "sre", roles: agent.roles, supervisor: false))
    }

    @Test("sante.date_avis, declared without visible_to, is seen by every agency of the workflow")
    func fieldWithoutVisibleTo() throws {
        let definition = try Self.definition("retraite-multi-statuts")
        for expectation in Self.retirement where expectation.knows {
            #expect(CaseAccess(agent: expectation.agent, definition: definition).mayView(field: "sante.date_avis"))
        }
    }

    @Test("a path below a field follows it; a group is seen only whole; undeclared data never")
    func paths() throws {
        let definition = try Self.definition("retraite-multi-statuts")
        let rh = CaseAccess(agent: Agent(id: "rh", agency: "armees", roles: ["gestionnaire-rh"], createdAt: Date()), definition: definition)
        let doctor = CaseAccess(agent: Agent(id: "doc", agency: "armees", roles: ["medecin-conseil"], createdAt: Date()), definition: definition)
        #expect(rh.mayView(field: "carriere.etat_services.sha256"))
        #expect(!rh.mayView(field: "sante.rapport_medical.name"))
        #expect(doctor.mayView(field: "sante.rapport_medical.name"))
        #expect(rh.mayView(field: "usager") && rh.mayView(field: "pension"))
        #expect(!rh.mayView(field: "sante") && doctor.mayView(field: "sante"))
        for path in ["", "inconnu", "usager.inconnu", "sant", "sante.taux", "usager.nom2"] {
            #expect(!rh.mayView(field: path) && !doctor.mayView(field: path), "\(path)")
        }
    }

    @Test("visible data: hidden and undeclared members go, and a group left empty goes with them")
    func visibleDataShape() throws {
        let definition = try Self.definition("retraite-multi-statuts")
        let rh = CaseAccess(agent: Agent(id: "rh", agency: "armees", roles: ["gestionnaire-rh"], createdAt: Date()), definition: definition)
        let data: JSONValue = [
            "usager": ["nom": "Durand", "nir": "1234567890123", "surnom": "undeclared"],
            "sante": ["taux_invalidite": 40, "rapport_medical": ["name": "rapport.pdf"]],
            "pension": ["sre": ["montant": "1200.50"]],
            "extra": ["x": 1],
            "usager.date_naissance": "1960-01-01",
        ]
        #expect(rh.visibleData(data) == [
            "usager": ["nom": "Durand", "nir": "1234567890123"],
            "pension": ["sre": ["montant": "1200.50"]],
            "usager.date_naissance": "1960-01-01",
        ])
        #expect(rh.visibleData("not an object") == [:])
    }

    @Test("mayEdit follows editable_by for what the agent sees, and nothing it does not")
    func edits() throws {
        let definition = try Self.definition("retraite-multi-statuts")
        func access(_ agency: String, _ roles: Set<String>) -> CaseAccess {
            CaseAccess(agent: Agent(id: "e", agency: agency, roles: roles, createdAt: Date()), definition: definition)
        }
        #expect(access("armees", ["gestionnaire-rh"]).mayEdit(field: "carriere.trimestres"))
        #expect(!access("armees", ["coordinateur-retraite"]).mayEdit(field: "carriere.trimestres"))
        #expect(access("armees", ["medecin-conseil"]).mayEdit(field: "sante.taux_invalidite"))
        #expect(!access("armees", ["gestionnaire-rh"]).mayEdit(field: "sante.taux_invalidite"))
        #expect(access("sre", ["liquidateur-sre"]).mayEdit(field: "pension.sre.montant"))
        #expect(!access("cnracl", ["gestionnaire-cnracl"]).mayEdit(field: "pension.sre.montant"))
        #expect(access("cnracl", ["gestionnaire-cnracl"]).mayEdit(field: "usager.nom"))
        #expect(!access("cnracl", []).mayEdit(field: "usager.nom"))
        #expect(!access("cnracl", ["gestionnaire-cnracl"]).mayEdit(field: "inconnu"))
    }
}
