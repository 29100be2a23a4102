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
        group.post("portal/cases/{id}/consents", use: consent)
    }

    @Sendable func create(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let caller = try caller(request, context, "POST \(APIApplication.prefix)/portal/cases")
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["workflow", "version", "data"])
        let reading = try await services.door.create(workflow: try body.string("workflow", required: true)!, version: try body.integer("version"),
                                                     data: try body.object("data") ?? .object([:]), by: caller)
        return JSONResponse.make(PortalView.json(reading), status: .created)
    }

    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let readings = try await services.door.citizenCases(by: try caller(request, context, "GET \(APIApplication.prefix)/portal/cases"))
        return JSONResponse.make(["items": .array(readings.map(PortalView.json))])
    }

    @Sendable func show(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let reading = try await services.door.read(try Parameter.pathID(context),
                                                   by: try caller(request, context, "GET \(APIApplication.prefix)/portal/cases/{id}"))
        return JSONResponse.make(PortalView.json(reading))
    }

    /// Fires an action open to the citizen: of a state waiting on them, or a global action.
    @Sendable func event(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let caller = try caller(request, context, "POST \(APIApplication.prefix)/portal/cases/{id}/events")
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["action", "data", "note", "expected_version"])
        let change = CaseRequest(.action(name: try body.string("action", required: true)!, data: try body.object("data"), track: nil),
                                 note: try body.string("note"), expectedVersion: try body.integer("expected_version"))
        let reading = try await services.door.change(try Parameter.pathID(context), change, by: caller)
        return JSONResponse.make(PortalView.json(reading))
    }

    /// The person gives (`"granted": true`) or revokes (`false`) their consent to one request
    /// of their case to another administration (opt-in; revocable at any time).
    @Sendable func consent(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let caller = try caller(request, context, "POST \(APIApplication.prefix)/portal/cases/{id}/consents")
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["request", "granted"])
        var problems: [CaseFailure.Problem] = []
        let name = body.members["request"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if name == nil { problems.append(.init("'request' names one of the case's requests (their 'request' in the case's read)", pointer: "/request")) }
        let granted = body.members["granted"]?.boolValue
        if granted == nil { problems.append(.init("'granted' is true (consent given) or false (revoked)", pointer: "/granted")) }
        guard let name, let granted else {
            throw Problem(CaseFailure(.invalid, problems.map(\.detail).joined(separator: "; "), problems: problems))
        }
        let reading = try await services.door.setConsent(try Parameter.pathID(context), request: name, granted: granted, by: caller)
        return JSONResponse.make(PortalView.json(reading))
    }

    /// Who read or changed what in the person's case: the transparency they are owed (the
    /// person's own fields by name; the administration's are not named).
    @Sendable func accessLog(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let entries = try await services.door.accessLog(try Parameter.pathID(context),
                                                        by: try caller(request, context, "GET \(APIApplication.prefix)/portal/cases/{id}/access-log"))
        return JSONResponse.make(["items": .array(entries.map(AccessLogRoutes.json))])
    }

    /// The portal and the person it acts for, from the `Citizen-Ref` header, coming by `via`.
    private func caller(_ request: Request, _ context: APIContext, _ via: String) throws -> CaseCaller {
        let portal = try context.portal()
        let header = request.headers.first { $0.name.canonicalName == Self.citizenHeader }?.value
        guard let reference = header?.trimmingCharacters(in: .whitespaces), !reference.isEmpty else {
            throw Problem.badRequest("name the person with the 'Citizen-Ref' header (the portal's identifier for them)",
                                     parameter: "Citizen-Ref")
        }
        guard reference.count <= 200, !reference.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw Problem.badRequest("'Citizen-Ref' must be one line of at most 200 characters", parameter: "Citizen-Ref")
        }
        return .citizen(reference, portal: portal, via: via)
    }
}
