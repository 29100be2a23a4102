import Foundation
import Hummingbird
import Workflow

/// `/workflows`: the published workflows, publishing a new version (designers), and
/// validating a file without storing it.
struct WorkflowRoutes {
    let services: APIServices

    func add(to group: RouteTable) {
        group.get("workflows", use: list)
        group.post("workflows", use: publish)
        group.post("workflows/validate", use: validate)
        group.get("workflows/{id}", use: show)
    }

    /// Designers see every workflow; agents those in which their agency takes part.
    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let agent = try context.caller()
        var byID: [String: [WorkflowRepository.Summary]] = [:]
        for known in try await services.knownWorkflowVersions(for: agent) {
            byID[known.summary.id, default: []].append(known.summary)
        }
        let items: [JSONValue] = byID.keys.sorted().map { id in
            let versions = byID[id]!.sorted { $0.version < $1.version }
            return .object(["id": .string(id), "title": versions.last!.title.map(JSONValue.string) ?? .null,
                            "latest_version": .number(JSONNumber(versions.last!.version)),
                            "versions": .array(versions.map { .number(JSONNumber($0.version)) })])
        }
        return JSONResponse.make(["items": .array(items)])
    }

    @Sendable func show(_ request: Request, context: APIContext) async throws -> Response {
        let query = try request.query(allowed: ["version"])
        let agent = try context.caller()
        let id = context.parameters.get("id") ?? ""
        let version = try Parameter.int(query["version"], "version", range: 1...1_000_000)
        // Unknown, or not the caller's to know: the same answer.
        let (known, versions) = try await services.knownWorkflow(id, version: version, for: agent)
        let (chosen, access) = (known.summary, known.access)
        let definition = access.definition
        let (_, source) = try await services.repository.source(id: id, version: chosen.version)
        // The labels people read, and the summary: only of the fields the caller sees.
        return JSONResponse.make(.object(PeoplesWords.fields(access).merging([
            "id": .string(id), "version": .number(JSONNumber(chosen.version)),
            "title": chosen.title.map(JSONValue.string) ?? .null, "sha256": .string(chosen.sha256),
            "published_by": .string(chosen.publishedBy), "published_at": JSONResponse.time(chosen.publishedAt),
            "versions": .array(versions.map { .object(["version": .number(JSONNumber($0.version)),
                                                       "published_at": JSONResponse.time($0.publishedAt)]) }),
            "states": .array(definition.states.map { .string($0.id.value) }),
            "your_queues": .array(access.queues.map(JSONValue.string)),
            "source": .string(source),
        ], uniquingKeysWith: { _, own in own })))
    }

    /// Designers publish: the YAML as the body (`application/yaml`, or JSON `{"source": …}`).
    @Sendable func publish(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        let agent = try context.caller()
        guard agent.designer else { throw Problem.forbidden("only designers publish workflows") }
        var request = request
        let source = try await Self.source(&request)
        let result = try await services.repository.publish(source, named: Self.bodyName, publishedBy: agent.actor.recorded)
        switch result {
        case .published(let id, let version):
            return JSONResponse.make(["id": .string(id), "version": .number(JSONNumber(version)), "published": true], status: .created)
        case .alreadyPublished(let id, let version):
            return JSONResponse.make(["id": .string(id), "version": .number(JSONNumber(version)), "published": false])
        }
    }

    /// Validates a file, stores nothing: diagnostics with line and column.
    @Sendable func validate(_ request: Request, context: APIContext) async throws -> Response {
        _ = try request.query(allowed: [])
        _ = try context.caller()
        var request = request
        let document = WorkflowLoader.loadFile(try await Self.source(&request), named: Self.bodyName)
        return JSONResponse.make(["valid": .bool(document.isValid), "diagnostics": Diagnostics.json(document.diagnostics)])
    }

    /// What the loader names a file sent in a request body.
    static let bodyName = "body"

    /// A workflow file from the body: YAML as its bytes came (the loader checks their
    /// encoding, as for a file on disk), or the `source` member of a JSON object.
    static func source(_ request: inout Request) async throws -> [UInt8] {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        if type.hasPrefix("application/json") {
            let body = try await BodyReader.object(&request, allowed: ["source"])
            return Array(try body.string("source", required: true)!.utf8)
        }
        let bytes = try await BodyReader.bytes(&request)
        guard !bytes.isEmpty else { throw Problem.badRequest("the body must be a workflow file (YAML)", pointer: "") }
        return bytes
    }
}
