import Foundation
import Hummingbird
import Workflow

/// `/portal/cases`: the citizen-facing front office acting for one person, named on every
/// call by the `Citizen-Ref` header (the portal's identifier for them). It creates that
/// person's cases, fires what is open to the citizen, and reads their cases' public label,
/// whose move it is, the dates and the access journal; never internal data, notes, or
/// another person's case (which is simply not found).
struct PortalRoutes {
    static let citizenHeader = "citizen-ref"
    let services: APIServices

    func add(to group: RouteTable) {
        group.post("portal/cases", use: create)
        group.get("portal/cases", use: list)
        group.get("portal/cases/{id}", use: show)
        group.post("portal/cases/{id}/events", use: event)
        group.get("portal/cases/{id}/access-log", use: accessLog)
    }

    @Sendable func create(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (portal, citizen) = try caller(request, context)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["workflow", "version", "data"])
        let workflow = try body.string("workflow", required: true)!
        let version = try body.integer("version")
        let data = try body.object("data") ?? .object([:])
        let definition: WorkflowDefinition
        do {
            definition = try await services.catalog.definition(id: workflow, version: version)
        } catch let error as StoreError where error.code == .notFound {
            throw Problem(.notFound, "no workflow '\(workflow)' is published", pointer: "/workflow")
        }
        try CitizenFields.ensure(mayWrite: data, in: definition)
        let route = "POST \(APIApplication.prefix)/portal/cases (\(portal.id))"
        let record = try await portalCall(sent: data) {
            try await services.cases.create(workflowID: workflow, version: definition.version.value, data: data,
                                            actor: citizen, citizenRef: citizen.citizenReference, via: route)
        }
        return try await response(record, definition: definition, citizen: citizen, route: route, status: .created)
    }

    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (portal, citizen) = try caller(request, context)
        var items: [JSONValue] = []
        for id in try await services.cases.ids(citizenRef: citizen.citizenReference!) {
            let record = try await services.cases.read(id)
            let definition = try await services.catalog.definition(id: record.snapshot.workflowID, version: record.snapshot.workflowVersion)
            try await services.journal.read(id, by: AccessJournal.Access(actor: citizen.recorded,
                                                                        via: "GET \(APIApplication.prefix)/portal/cases (\(portal.id))"),
                                            fields: [])
            items.append(PortalView.json(record, definition: definition, citizen: citizen))
        }
        return JSONResponse.make(["items": .array(items)])
    }

    @Sendable func show(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (portal, citizen) = try caller(request, context)
        let (record, definition) = try await ownCase(context, citizen)
        return try await response(record, definition: definition, citizen: citizen,
                                  route: "GET \(APIApplication.prefix)/portal/cases/{id} (\(portal.id))")
    }

    /// Fires an action open to the citizen: of a state waiting on them, or a global action.
    @Sendable func event(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (portal, citizen) = try caller(request, context)
        let (record, definition) = try await ownCase(context, citizen)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["action", "data", "note", "expected_version"])
        let action = try body.string("action", required: true)!
        let data = try body.object("data")
        try CitizenFields.ensure(mayWrite: data, in: definition)
        let route = "POST \(APIApplication.prefix)/portal/cases/{id}/events (\(portal.id))"
        let event = CaseEvent(.action(name: action, data: data, track: nil), actor: citizen, note: try body.string("note"))
        let changed = try await portalCall(sent: data ?? .object([:])) {
            try await services.cases.apply(event, toCase: record.id, expectedVersion: try body.integer("expected_version"), via: route)
        }
        return try await response(changed, definition: definition, citizen: citizen, route: route)
    }

    /// Who read or changed what in the person's case: the transparency they are owed.
    @Sendable func accessLog(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let (portal, citizen) = try caller(request, context)
        let (record, definition) = try await ownCase(context, citizen)
        // Who and when, and the person's own fields by name; the administration's are not named.
        let entries = try await services.journal.entries(record.id).map { entry in
            var entry = entry
            entry.fields = entry.fields.filter { CitizenFields.isPublic($0, in: definition) }
            return entry
        }
        try await services.journal.read(record.id, by: AccessJournal.Access(actor: citizen.recorded, via: "GET \(APIApplication.prefix)/portal/cases/{id}/access-log (\(portal.id))"),
                                        fields: [])
        return JSONResponse.make(["items": .array(entries.map(AccessLogRoutes.json))])
    }

    /// The portal and the citizen it acts for, from the `Citizen-Ref` header.
    private func caller(_ request: Request, _ context: APIContext) throws -> (Agent, CaseActor) {
        let portal = try context.portal()
        let header = request.headers.first { $0.name.canonicalName == Self.citizenHeader }?.value
        guard let reference = header?.trimmingCharacters(in: .whitespaces), !reference.isEmpty else {
            throw Problem.badRequest("name the person with the 'Citizen-Ref' header (the portal's identifier for them)",
                                     parameter: "Citizen-Ref")
        }
        guard reference.count <= 200, !reference.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw Problem.badRequest("'Citizen-Ref' must be one line of at most 200 characters", parameter: "Citizen-Ref")
        }
        return (portal, CaseActor(.citizen(reference: reference)))
    }

    /// The person's own case; any other is not found.
    private func ownCase(_ context: APIContext, _ citizen: CaseActor) async throws -> (CaseRecord, WorkflowDefinition) {
        let id = try Parameter.pathID(context)
        let notFound = Problem.notFound("no case \(id.uuidString.lowercased()) of this person")
        let record: CaseRecord
        do {
            record = try await services.cases.read(id)
        } catch let error as StoreError where error.code == .notFound {
            throw notFound
        }
        guard let reference = record.citizenRef, reference == citizen.citizenReference else { throw notFound }
        let definition = try await services.catalog.definition(id: record.snapshot.workflowID, version: record.snapshot.workflowVersion)
        return (record, definition)
    }

    /// A store call for the citizen: a refusal keeps its code, and names a field only when the
    /// citizen sent it (their own data), never one of the administration's.
    private func portalCall<T>(sent: JSONValue, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError where error.code == .refused {
            guard let refusal = error.refusal else { throw Problem(.unprocessableContent, "the request was refused") }
            let status: HTTPResponse.Status = [.roleNotAllowed, .notAllowed, .actionNotAvailable].contains(refusal.code) ? .forbidden
                : .unprocessableContent
            var members: [String: JSONValue] = ["code": .string(refusal.code.name)]
            if let field = refusal.field, EditCheck.leaves(sent, prefix: "").contains(where: { $0 == field || $0.hasPrefix(field + ".") }) {
                members["field"] = .string(field)
                throw Problem(status, refusal.message, members: members)
            }
            throw Problem(status, "this cannot be done now (\(refusal.code.name))", members: members)
        } catch let error as StoreError where error.code == .conflict {
            throw Problem(.conflict, error.message)
        }
    }

    private func response(_ record: CaseRecord, definition: WorkflowDefinition, citizen: CaseActor, route: String,
                          status: HTTPResponse.Status = .ok) async throws -> Response {
        try await services.journal.read(record.id, by: AccessJournal.Access(actor: citizen.recorded, via: route), fields: [])
        return JSONResponse.make(PortalView.json(record, definition: definition, citizen: citizen), status: status)
    }
}
