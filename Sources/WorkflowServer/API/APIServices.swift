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
    /// The answers of POSTs sent with an `Idempotency-Key`, per caller.
    let idempotencyKeys: IdempotencyKeyStore

    init(database: Database, calendar: BusinessCalendar = .french) {
        self.database = database
        repository = WorkflowRepository(database)
        catalog = WorkflowCatalog(repository)
        tasks = TaskStore(database)
        agents = AgentStore(database)
        search = CaseSearch(database)
        door = CaseService(database: database, catalog: catalog, calendar: calendar)
        idempotencyKeys = IdempotencyKeyStore(database)
    }

    /// A case's answer: the case as the caller may see it (the door filtered it and journaled
    /// the read).
    func caseResponse(_ reading: CaseReading, status: HTTPResponse.Status = .ok) -> Response {
        JSONResponse.make(CaseView.json(reading), status: status)
    }

}
