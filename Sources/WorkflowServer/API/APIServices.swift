import Foundation
import Hummingbird
import Workflow

/// What the routes work with: one set of stores over one database.
struct APIServices: Sendable {
    let database: Database
    let repository: WorkflowRepository
    let catalog: WorkflowCatalog
    let tasks: TaskStore
    let agents: AgentStore
    let search: CaseSearch
    /// The one door to the cases: every read and change of a case goes through it.
    let door: CaseService

    init(database: Database) {
        self.database = database
        repository = WorkflowRepository(database)
        catalog = WorkflowCatalog(repository)
        tasks = TaskStore(database)
        agents = AgentStore(database)
        search = CaseSearch(database)
        door = CaseService(database: database, catalog: catalog)
    }

    /// A case's answer: the case as the caller may see it (the door filtered it and journaled
    /// the read).
    func caseResponse(_ reading: CaseReading, status: HTTPResponse.Status = .ok) -> Response {
        JSONResponse.make(CaseView.json(reading), status: status)
    }

    /// The rules of every published workflow version for the caller.
    func accessToAll(for agent: Agent) async throws -> [CaseAccess] {
        var result: [CaseAccess] = []
        for summary in try await repository.list() {
            result.append(CaseAccess(agent: agent, definition: try await catalog.definition(id: summary.id, version: summary.version)))
        }
        return result
    }

    /// What a case search may look at for the agent: the workflow versions whose cases they
    /// may know, and in each the fields they may see (the text search reads those only).
    func searchVisibility(for agent: Agent) async throws -> [CaseSearch.Visibility] {
        Self.searchVisibility(try await accessToAll(for: agent))
    }

    static func searchVisibility(_ accesses: [CaseAccess]) -> [CaseSearch.Visibility] {
        accesses.filter(\.mayKnowCases).map { access in
            CaseSearch.Visibility(workflowID: access.definition.id.value, version: access.definition.version.value,
                                  fieldPaths: access.visibleFieldPaths)
        }
    }
}
