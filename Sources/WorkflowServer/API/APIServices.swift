import Foundation
import Hummingbird
import Logging
import Workflow

/// What the routes work with: one set of stores over one database.
struct APIServices: Sendable {
    let database: Database
    let repository: WorkflowRepository
    let catalog: WorkflowCatalog
    let cases: CaseStore
    let tasks: TaskStore
    let agents: AgentStore
    let search: CaseSearch
    let journal: AccessJournal

    init(database: Database) {
        self.database = database
        repository = WorkflowRepository(database)
        catalog = WorkflowCatalog(repository)
        cases = CaseStore(database, catalog: catalog)
        tasks = TaskStore(database)
        agents = AgentStore(database)
        search = CaseSearch(database)
        journal = AccessJournal(database)
    }

    /// The case as the caller may see it, after journaling that they read those fields
    /// through `route` (the operation, such as `GET /api/v1/cases/{id}`).
    func caseResponse(_ record: CaseRecord, access: CaseAccess, route: String,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let view = CaseView.json(record, access: access)
        let fields = access.visibleFieldPaths.filter { record.snapshot.data.value(at: $0) != nil }
        let access = AccessJournal.Access(actor: access.actor.recorded, agency: access.agent.agency, via: route)
        do {
            try await journal.read(record.id, by: access, fields: fields)
        } catch where route.hasPrefix("POST") || route.hasPrefix("PATCH") {
            // The change itself is committed and journaled in its transaction: answering an
            // error now would have the client retry a change that happened. Log it loudly.
            Logger(label: "parcours.journal").error("could not journal the read that follows a change",
                                                    metadata: ["case": "\(record.id)", "via": "\(route)", "error": "\(error)"])
        }
        return JSONResponse.make(view, status: status)
    }

    /// A case the caller may know, with its rules for them; 404 otherwise (a case the caller
    /// may not know exists is not found, the same as one that does not exist).
    func knownCase(_ id: UUID, for agent: Agent) async throws -> (CaseRecord, CaseAccess) {
        let record: CaseRecord
        do {
            record = try await cases.read(id)
        } catch let error as StoreError where error.code == .notFound {
            throw Problem.notFound("no case \(id.uuidString.lowercased())")
        }
        let definition = try await catalog.definition(id: record.snapshot.workflowID, version: record.snapshot.workflowVersion)
        let access = CaseAccess(agent: agent, definition: definition)
        guard access.mayKnowCases, !agent.portal else { throw Problem.notFound("no case \(id.uuidString.lowercased())") }
        return (record, access)
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
