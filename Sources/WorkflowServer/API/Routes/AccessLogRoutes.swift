import Foundation
import Hummingbird
import Workflow

/// `GET /cases/{id}/access-log`: who read or changed which fields of the case, for the
/// supervisors who know the case (reading the journal is itself journaled).
struct AccessLogRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.get("cases/{id}/access-log", use: show)
    }

    @Sendable func show(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let entries = try await services.door.accessLog(try Parameter.pathID(context),
                                                        by: .agent(try context.caller(), via: "GET \(APIApplication.prefix)/cases/{id}/access-log"))
        return JSONResponse.make(["items": .array(entries.map(Self.json))])
    }

    static func json(_ entry: AccessJournal.Entry) -> JSONValue {
        .object(["at": JSONResponse.time(entry.at), "actor": .string(entry.actor), "agency": entry.agency.map(JSONValue.string) ?? .null,
                 "kind": .string(entry.kind), "via": .string(entry.via), "fields": .array(entry.fields.map(JSONValue.string)),
                 "sources": .array(entry.sources.map { source in
                     .object(["field": .string(source.field), "request": .string(source.request), "label": .string(source.label),
                              "to": .string(source.to), "to_name": .string(source.toName), "legal_basis": .string(source.legalBasis),
                              "words": .string(source.words)])
                 })])
    }
}
