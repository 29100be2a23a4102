import Foundation
import Testing
@testable import Workflow

/// Three versions of a small workflow for the migration tests: version 2 shortens the queue's
/// SLA and the state's, lengthens a timed exit, renames `instruction` and drops `ancien`;
/// version 3 also drops the `caf` track and constrains `code`.
enum MigrationTestWorkflow {
    static func source(version: Int) -> String {
        let queueSLA = version == 1 ? "10d" : "5d"
        let stateSLA = version == 1 ? "20d" : "15d"
        let wait = version == 1 ? "30d" : "40d"
        let instruction = version == 1 ? "instruction" : "examen-dossier"
        let ancien = version == 1 ? """
              ancien:
                queue: accueil
                on: { decider: { to: fin } }
            """ : ""
        let codePattern = version == 3 ? ", pattern: \"^[A-Z]{2}$\"" : ""
        let caf = version == 3 ? "" : """
                  caf:
                    agency: caf
                    start: examen
                    states:
                      examen: { queue: caf, on: { ok: { to: fait } } }
                      fait: { final: true, outcome: done }
            """
        return """
            id: migration-test
            version: \(version)
            agencies:
              mairie: { name: "Mairie" }
              caf: { name: "CAF" }
            roles:
              agent: { agency: mairie }
              superviseur: { agency: mairie }
              agent-caf: { agency: caf }
            queues:
              accueil: { role: agent, sla: \(queueSLA) }
              escalades: { role: superviseur, sla: 2d }
              caf: { role: agent-caf }
            fields:
              nom: { type: string, required: true }
              code: { type: string\(codePattern) }
            escalation: { queue: escalades }
            start: depot
            states:
              depot:
                queue: accueil
                sla: \(stateSLA)
                on:
                  instruire: { to: \(instruction) }
                  attendre: { to: attente }
                  partager: { to: verifications }
            \(version == 1 ? "      vieillir: { to: ancien }" : "")
              attente:
                waiting_on: usager
                after: [{ delay: \(wait), to: depot }]
                on: { repondre: { to: depot } }
              \(instruction):
                queue: accueil
                on: { decider: { to: fin } }
            \(ancien)
              verifications:
                stall_after: 60d
                next: fin
                tracks:
                  mairie:
                    start: controle
                    states:
                      controle: { queue: accueil, on: { ok: { to: fait } } }
                      fait: { final: true, outcome: done }
            \(caf)
              fin: { final: true, outcome: accepted }
            """
    }

    static let operatorActor = CaseActor(.operatorUser(name: "test"))

    /// A database of its own with versions 1 to `versions` published, the door and the store.
    static func setUp(_ name: String, versions: Int = 3) async throws -> (Database, CaseService, CaseStore) {
        let database = try await TestDatabase.fresh(name)
        let repository = WorkflowRepository(database)
        for version in 1...versions {
            _ = try await repository.publish(source: source(version: version), publishedBy: "cli:test")
        }
        let catalog = WorkflowCatalog(repository)
        return (database, CaseService(database: database, catalog: catalog), CaseStore(database, catalog: catalog))
    }

    /// A case on version 1, moved by `actions` (with the operator).
    static func create(_ store: CaseStore, data: JSONValue = ["nom": "Martin"], actions: [String] = []) async throws -> UUID {
        let id = try await store.create(workflowID: "migration-test", version: 1, data: data, actor: operatorActor).id
        for action in actions {
            _ = try await store.apply(CaseEvent(.action(name: action, data: nil, track: nil), actor: operatorActor), toCase: id)
        }
        return id
    }

    static let caller = CaseCaller.operatorUser("test", via: "test: migrate")

    static func request(_ version: Int, map: [String: String] = [:], dryRun: Bool = false) -> MigrationRequest {
        MigrationRequest(workflow: "migration-test", toVersion: version, mapping: StateMapping(map), dryRun: dryRun)
    }
}
