import Foundation
import Testing
@testable import Workflow

/// A small workflow written for the engine's focused tests: one of each kind of state, guards
/// that can be unknown or fail, `set` values that can break their field, a parallel state with a
/// conditional track, an automatic loop, exceptions with and without their own queue and SLA.
enum MiniWorkflow {
    static let text = """
    id: mini
    version: 1
    agencies:
      mairie: { name: "Mairie" }
      prefecture: { name: "Préfecture" }
    roles:
      agent: { agency: mairie }
      superviseur: { agency: mairie }
      instructeur: { agency: prefecture }
    queues:
      accueil: { role: agent, sla: 5d }
      instruction: { role: instructeur }
      escalades: { role: superviseur, sla: 2d }
      special: { role: instructeur, sla: 1d }
    fields:
      nom: { type: string, required: true, pattern: "[A-Z][a-z]+" }
      age: { type: int, min: 0, max: 130 }
      montant: { type: decimal, min: 0 }
      ratio.numerateur: { type: int }
      ratio.denominateur: { type: int }
      statut: { type: enum, values: [a, b, c] }
      tags: { type: list, of: string, pattern: "[a-z]+", max: 3 }
      piece: { type: document }
      date_effet: { type: date, min: 2020-01-01 }
      horodatage: { type: datetime }
      note_interne: { type: string, editable_by: [prefecture] }
      score: { type: int, editable_by: ["role:instructeur"] }
      calcul: { type: int, min: 0 }
      quotient: { type: decimal, min: 0 }
    exceptions:
      fraude: { title: "Fraude", queue: special, sla: 3d }
      retard: { title: "Retard" }
      lente: { title: "Lente", queue: instruction }
    escalation: { queue: escalades }
    global_actions:
      abandonner: { to: abandonne, note: required }
    start: accueil
    states:
      accueil:
        queue: accueil
        on:
          orienter: { to: tri, requires: [age] }
          verifier: { to: instruction, when: "age >= 18" }
          diviser: { to: instruction, when: "ratio.numerateur / ratio.denominateur > 1" }
          calculer: { to: instruction, set: { calcul: "age - 200" } }
          calculer-division: { to: instruction, set: { quotient: "ratio.numerateur / ratio.denominateur" } }
          doubler: { to: instruction, set: { calcul: "age * 2" } }
          signaler: { escalate: fraude, note: required }
          lentement: { escalate: lente }
          attendre: { to: attente }
          paralleliser: { to: parallele }
          boucler: { to: boucle-a }
          noter: { to: instruction, by: [instructeur] }
      tri:
        choose:
          - when: 'statut == "a"'
            to: instruction
          - when: 'statut == "b"'
            escalate: retard
      instruction:
        queue: instruction
        sla: 10d
        on:
          accepter: { to: accepte }
          refuser: { to: refuse, note: required }
      attente:
        waiting_on: usager
        sla: 10d
        stall_after: 5d
        after: [{ delay: 20d, to: accepte }]
        on:
          repondre: { to: instruction }
      parallele:
        join: all
        next: instruction
        sla: 1mo
        tracks:
          t1:
            start: t1-attente
            states:
              t1-attente:
                waiting_on: mairie
                stall_after: 10d
                on:
                  finir: { to: t1-fin }
              t1-fin: { final: true }
          t2:
            when: "age > 60"
            start: t2-attente
            states:
              t2-attente:
                waiting_on: prefecture
                stall_after: 10d
                on:
                  finir: { to: t2-fin }
              t2-fin: { final: true }
      boucle-a:
        choose:
          - when: "age > 120"
            to: instruction
        otherwise: { to: boucle-b }
      boucle-b:
        choose:
          - when: "age > 120"
            to: instruction
        otherwise: { to: boucle-a }
      accepte: { final: true, outcome: accepted }
      refuse: { final: true, outcome: rejected }
      abandonne: { final: true, outcome: withdrawn }
    """

    static func definition() throws -> WorkflowDefinition {
        try EngineFixtures.workflow(text)
    }

    static let mairie = Actors.agent("m1", agency: "mairie", roles: ["agent"])
    static let instructeur = Actors.agent("p1", agency: "prefecture", roles: ["instructeur"])
    static let superviseur = Actors.agent("s1", agency: "mairie", roles: ["superviseur"])
    static let chef = Actors.agent("chef", agency: "mairie", roles: [], supervisor: true)

    /// A new case in `accueil`.
    static func driver(_ data: JSONValue = ["nom": "Dupont", "age": 40], maxAutomaticSteps: Int = 50) throws -> CaseDriver {
        try CaseDriver(definition(), data: data, maxAutomaticSteps: maxAutomaticSteps)
    }
}
