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
        let agent = try context.caller()
        let (record, access) = try await services.knownCase(try Parameter.pathID(context), for: agent)
        guard agent.supervisor else { throw Problem.forbidden("the access journal is for supervisors") }
        let entries = try await services.journal.entries(record.id)
        try await services.journal.read(record.id, by: AccessJournal.Access(actor: access.actor.recorded, agency: agent.agency,
                                                                           via: "GET \(APIApplication.prefix)/cases/{id}/access-log"),
                                        fields: [])
        // The names of fields the supervisor may not see are not shown either.
        let visible = entries.map { entry in
            var entry = entry
            entry.fields = entry.fields.filter { access.mayView(field: $0) }
            return entry
        }
        return JSONResponse.make(["items": .array(visible.map(Self.json))])
    }

    static func json(_ entry: AccessJournal.Entry) -> JSONValue {
        .object(["at": JSONResponse.time(entry.at), "actor": .string(entry.actor), "agency": entry.agency.map(JSONValue.string) ?? .null,
                 "kind": .string(entry.kind), "via": .string(entry.via), "fields": .array(entry.fields.map(JSONValue.string))])
    }
}
