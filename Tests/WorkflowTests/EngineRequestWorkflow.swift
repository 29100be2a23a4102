import Foundation
import Testing
@testable import Workflow

/// A student grant that asks the civil registry for the birth certificate (no consent
/// needed: a legal basis) and the tax administration for the tax notice (consent needed;
/// without it the student provides it), for the engine's and the store's request tests.
enum RequestWorkflow {
    static let text = """
        id: bourse-demande
        version: 1
        agencies:
          crous: { name: "CROUS" }
          dgfip: { name: "Finances publiques" }
          etat-civil: { name: "Service central d'état civil" }
        roles:
          gestionnaire: { agency: crous }
          agent-dgfip: { agency: dgfip }
          officier: { agency: etat-civil }
        queues:
          instruction: { role: gestionnaire, sla: 10d }
        escalation: { queue: instruction }
        exceptions:
          piece-non-recue: { title: "Pièce non reçue" }
        fields:
          nom: { type: string, required: true }
          pieces.acte_naissance: { type: document }
          pieces.avis_imposition: { type: document, editable_by: [usager, crous] }
        requests:
          acte:
            label: "Acte de naissance"
            to: etat-civil
            kind: document
            provides: pieces.acte_naissance
            legal_basis: "Décret 2011-167 (COMEDEC)"
            consent: not-required
            sla: 15d
            on_timeout: { escalate: piece-non-recue }
            fallback: { ask: usager }
          avis-imposition:
            label: "Avis d'imposition"
            to: dgfip
            kind: document
            provides: pieces.avis_imposition
            legal_basis: "CRPA L114-8"
            consent: required
            sla: 10d
            on_timeout: { to: relance }
            fallback: { ask: usager }
        start: instruction
        states:
          instruction:
            queue: instruction
            requests: [acte, avis-imposition]
            on:
              accorder:
                to: accordee
                when: "exists(pieces.acte_naissance) and exists(pieces.avis_imposition)"
          relance:
            queue: instruction
            on:
              reprendre: { to: instruction }
          accordee: { final: true, outcome: accepted }
        """

    static func definition() throws -> WorkflowDefinition { try EngineFixtures.workflow(text) }

    static let gestionnaire = Actors.agent("g1", agency: "crous", roles: ["gestionnaire"])
    static let dgfip = Actors.agent("d1", agency: "dgfip", roles: ["agent-dgfip"])
    static let etatCivil = Actors.agent("e1", agency: "etat-civil", roles: ["officier"])

    static func driver() throws -> CaseDriver { try CaseDriver(definition(), data: ["nom": "Durand"]) }
}

extension CaseDriver {
    /// The case's run of a request of the workflow (the latest).
    func run(_ request: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> RequestRun {
        try #require(snapshot.requests.last { $0.request == request }, "no run of '\(request)' in \(snapshot.requests)",
                     sourceLocation: sourceLocation)
    }
}
