import Foundation
import Hummingbird
import Workflow

/// `/events`: the outbox as a feed, for the systems that pull. CloudEvents envelopes after
/// a cursor, oldest first, of the cases the caller may know, each limited to what the
/// caller may see (the door journals each as a read).
struct EventRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.get("events", use: list)
    }

    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["after", "types", "limit"])
        let limit = try Parameter.int(query["limit"], "limit", range: 1...1000) ?? 100
        var after: EventStore.Cursor?
        if let text = query["after"] {
            guard let cursor = EventStore.Cursor(text) else {
                throw Problem.badRequest("'after' is the `next` of a previous page (two numbers, as `1234-56`)", parameter: "after")
            }
            after = cursor
        }
        var types: [String]?
        if let text = query["types"] {
            let names = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            let known = Set(OutboxEvent.Kind.allCases.map(\.rawValue))
            let unknown = names.filter { !known.contains($0) }
            guard unknown.isEmpty, !names.isEmpty else {
                throw Problem.badRequest("'types' is a comma-separated list of \(known.sorted().joined(separator: ", ")); unknown: \(unknown.joined(separator: ", "))",
                                         parameter: "types")
            }
            types = names
        }
        let page = try await services.door.events(for: try context.caller(), after: after, types: types, limit: limit,
                                                  route: "GET \(APIApplication.prefix)/events")
        // Without new events the cursor stays where it was: the caller asks again later.
        let next = (page.last ?? after)?.text
        return JSONResponse.make(["items": .array(page.envelopes), "next": next.map(JSONValue.string) ?? .null])
    }
}
