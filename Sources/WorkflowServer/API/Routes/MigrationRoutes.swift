import Foundation
import Hummingbird
import Workflow

/// `/workflows/{id}/diff`: what changed between two published versions; `/workflows/{id}/migrations`:
/// moving the open cases to another version (designers and supervisors), a dry run unless
/// the body says `"dry_run": false` — the report first, then the confirmation;
/// `/cases/{id}/migrate`: settling one case that did not fit.
struct MigrationRoutes {
    let services: APIServices

    /// Cases judged per request: a migration is many transactions, and a request has
    /// `RouteTable.deadline`; the answer's `remaining` says whether to post again, its `after`
    /// where to go on from.
    static let defaultLimit = 100
    static let maxLimit = 2_000
    /// Past this, a request starts no further case: what is left is `remaining`, well before
    /// `RouteTable.deadline` would cut the request short.
    static let budget: Duration = .seconds(5)

    func add(to group: RouteTable) {
        group.get("workflows/{id}/diff", use: diff)
        group.post("workflows/{id}/migrations", use: migrate)
        group.post("cases/{id}/migrate", use: settle)
    }

    /// Settles a case a migration could not move: into `state` of version `to_version`, by
    /// override with a justifying `note` (designers, supervisors, and the agents of the queue
    /// holding its `migration-misfit` escalation).
    @Sendable func settle(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let caseID = try Parameter.pathID(context)
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["to_version", "state", "note", "expected_version"])
        let version = try body.integer("to_version")
        let state = try body.string("state")
        guard let version, let state else {
            let missing = [version == nil ? "to_version" : nil, state == nil ? "state" : nil].compactMap { $0 }
            throw Problem(.badRequest, missing.map { "'\($0)' is required" }.joined(separator: "; "), pointer: "/\(missing[0])",
                          members: ["errors": .array(missing.map { .object(["detail": .string("'\($0)' is required"), "pointer": .string("/\($0)")]) })])
        }
        let reading = try await services.door.migrate(caseID, toVersion: version, overridingTo: state, note: try body.string("note"),
                                                      expectedVersion: try body.integer("expected_version"),
                                                      by: .agent(try context.caller(), via: "POST \(APIApplication.prefix)/cases/{id}/migrate"))
        return services.caseResponse(reading)
    }

    /// Both versions must be ones the caller may know (designers: all).
    @Sendable func diff(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["from", "to"])
        let agent = try context.caller()
        let id = context.parameters.get("id") ?? ""
        let from = try Parameter.int(query["from"], "from", range: 1...1_000_000)
        let to = try Parameter.int(query["to"], "to", range: 1...1_000_000)
        guard let from, let to else {
            throw Problem.badRequest("'from' and 'to' are required: the two versions to compare", parameter: from == nil ? "from" : "to")
        }
        let old = try await services.knownWorkflow(id, version: from, for: agent).chosen.access.definition
        let new = try await services.knownWorkflow(id, version: to, for: agent).chosen.access.definition
        return JSONResponse.make(WorkflowDiff(from: old, to: new).json)
    }

    @Sendable func migrate(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let agent = try context.caller()
        let id = context.parameters.get("id") ?? ""
        var request = request
        let body = try await BodyReader.object(&request, allowed: ["to_version", "map", "state", "dry_run", "limit", "after"])
        guard let version = try body.integer("to_version") else { throw Problem.badRequest("'to_version' is required", pointer: "/to_version") }
        var items: [String] = []
        for (old, new) in (try body.object("map")?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let target = new.stringValue else { throw Problem.badRequest("each state of 'map' must name a state", pointer: "/map/\(old)") }
            items.append("\(old)=\(target)")
        }
        let mapping: StateMapping
        do {
            mapping = try StateMapping(parsing: items)
        } catch {
            throw Problem(.badRequest, error.description, pointer: "/map")
        }
        let dryRun = try Self.bool(body, "dry_run") ?? true
        let limit = try body.integer("limit") ?? Self.defaultLimit
        guard (1...Self.maxLimit).contains(limit) else {
            throw Problem.badRequest("'limit' must be between 1 and \(Self.maxLimit)", pointer: "/limit")
        }
        var after: UUID?
        if let text = try body.string("after") {
            guard let id = UUID(uuidString: text) else {
                throw Problem.badRequest("'after' must be the 'after' of a previous answer (a case id)", pointer: "/after")
            }
            after = id
        }
        let migration = MigrationRequest(workflow: id, toVersion: version, mapping: mapping, state: try body.string("state"),
                                         dryRun: dryRun, limit: limit, after: after, budget: Self.budget)
        let report = try await services.door.migrate(migration, by: .agent(agent, via: "POST /api/v1/workflows/{id}/migrations"))
        return JSONResponse.make(report.json)
    }

    private static func bool(_ body: BodyReader, _ key: String) throws -> Bool? {
        guard let value = body.members[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw Problem.badRequest("'\(key)' must be true or false", pointer: "/\(key)") }
        return flag
    }
}
