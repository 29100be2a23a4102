import Foundation
import Hummingbird
import Logging
import HummingbirdTesting
import Prometheus
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The API on a database of its own with the example workflows published, agents with
/// tokens, and a check that every response's status is one the contract declares.
struct APIHarness: Sendable {
    let database: Database
    let services: APIServices
    let contract: OpenAPIContract
    /// Tokens by agent id.
    let tokens: [String: String]

    /// Agents of the examples: (id, agency, roles, designer, supervisor).
    static let agents: [(String, String, Set<String>, Bool, Bool)] = [
        ("rh", "armees", ["gestionnaire-rh"], false, false),
        ("coord", "armees", ["coordinateur-retraite"], false, true),
        ("cellule", "armees", ["coordinateur-retraite"], false, false),
        ("medecin", "armees", ["medecin-conseil"], false, false),
        ("sre", "sre", ["gestionnaire-sre"], false, false),
        ("cnracl", "cnracl", ["gestionnaire-cnracl"], false, false),
        ("mairie", "mairie-recueil", ["agent-accueil-titres"], false, false),
        ("designer", "dinum", [], true, false),
        ("stranger", "ailleurs", ["gestionnaire-rh"], false, false),
    ]

    static func make(_ name: String, logger: Logger = TestDatabase.logger) async throws -> APIHarness {
        let database = try await TestDatabase.fresh(name, logger: logger)
        let repository = WorkflowRepository(database)
        for example in Repository.examples {
            _ = try await repository.publish(source: try String(contentsOf: example, encoding: .utf8), publishedBy: "cli:test")
        }
        let store = AgentStore(database)
        var tokens: [String: String] = [:]
        for (id, agency, roles, designer, supervisor) in agents {
            let (_, token) = try await store.add(id: id, agency: agency, roles: roles, designer: designer, supervisor: supervisor)
            tokens[id] = token
        }
        return APIHarness(database: database, services: APIServices(database: database), contract: try OpenAPIContract.load(),
                          tokens: tokens)
    }

    /// Runs `body` with a client of the API; every response is checked against the contract.
    func run(registry: PrometheusCollectorRegistry? = nil, signIn: WebSignIn = .tokenOnly,
             _ body: @escaping @Sendable (APIClient) async throws -> Void) async throws {
        let (router, _) = APIApplication.router(services: services, registry: registry, signIn: signIn)
        let app = Application(router: router)
        let contract = contract
        let tokens = tokens
        try await app.test(.router) { client in
            try await body(APIClient(client: client, contract: contract, tokens: tokens))
        }
    }
}

/// A response: status, headers and the body as JSON.
struct APIResponse: Sendable {
    let status: Int
    let contentType: String?
    let headers: HTTPFields
    let json: JSONValue
    /// The body as it came (a replayed answer must be the first one byte for byte).
    var text: String = ""

    subscript(_ path: String) -> JSONValue? { json.value(at: path) }
}

/// Sends requests as a named agent (nil: no token) and checks each status against the contract.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let contract: OpenAPIContract
    let tokens: [String: String]

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, as agent: String?, json: JSONValue? = nil, raw: String? = nil,
              bytes: [UInt8]? = nil, contentType: String = "application/json", headers extra: HTTPFields = [:], template: String? = nil,
              sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> APIResponse {
        var headers = extra
        if let agent { headers[.authorization] = "Bearer \(tokens[agent] ?? agent)" }
        var body: ByteBuffer?
        if let json { body = ByteBuffer(string: json.serialized()); headers[.contentType] = contentType }
        if let raw { body = ByteBuffer(string: raw); headers[.contentType] = contentType }
        if let bytes { body = ByteBuffer(bytes: bytes); headers[.contentType] = contentType }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        let text = String(buffer: response.body)
        let parsed = (try? JSONValue(parsing: text)) ?? .string(text)
        let status = Int(response.status.code)
        let path = template ?? Self.template(uri)
        #expect(contract.declares(method.rawValue, path, status: status),
                "\(method.rawValue) \(path) answered \(status), which the contract does not declare: \(text.prefix(300))",
                sourceLocation: sourceLocation)
        if status >= 400 {
            #expect(response.headers[.contentType] == "application/problem+json", "an error without problem+json", sourceLocation: sourceLocation)
        }
        return APIResponse(status: status, contentType: response.headers[.contentType], headers: response.headers, json: parsed, text: text)
    }

    /// `/api/v1/cases/UUID/events?x` as the contract writes it: `/cases/{id}/events`; a
    /// workflow's id after `/workflows/` too (but `validate`), and a case's agency reference.
    static func template(_ uri: String) -> String {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        let trimmed = path.hasPrefix(APIApplication.prefix) ? String(path.dropFirst(APIApplication.prefix.count)) : path
        var parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for index in parts.indices {
            if UUID(uuidString: parts[index]) != nil || parts[index] == "not-a-uuid" { parts[index] = "{id}" }
            if index == 2, parts[1] == "workflows", parts[index] != "validate" { parts[index] = "{id}" }
        }
        // `/cases/by-ref/AGENCY/REF`: an agency and its own reference.
        if parts.count >= 5, parts[1] == "cases", parts[2] == "by-ref" {
            parts[3] = "{agency}"
            parts[4] = "{ref}"
        }
        return parts.joined(separator: "/")
    }
}

/// The OpenAPI contract as the tests read it: its operations and the statuses of each.
struct OpenAPIContract: Sendable {
    /// "GET /cases/{id}" → declared statuses ("200", "404", "default").
    let operations: [String: Set<String>]

    static func load() throws -> OpenAPIContract {
        let text = try String(contentsOf: Repository.file("Sources/WorkflowServer/API/openapi.yaml"), encoding: .utf8)
        let result = YAMLReader.read(text)
        guard let root = result.root?.mapping else { throw Missing(what: "a YAML mapping") }
        guard let paths = root.first(where: { $0.key == "paths" })?.value.mapping else { throw Missing(what: "paths") }
        var operations: [String: Set<String>] = [:]
        for path in paths {
            for operation in path.value.mapping ?? [] where ["get", "post", "patch", "put", "delete"].contains(operation.key) {
                let responses = operation.value.mapping?.first { $0.key == "responses" }?.value.mapping ?? []
                operations["\(operation.key.uppercased()) \(path.key)"] = Set(responses.map(\.key))
            }
        }
        return OpenAPIContract(operations: operations)
    }

    struct Missing: Error { let what: String }

    func declares(_ method: String, _ path: String, status: Int) -> Bool {
        guard let statuses = operations["\(method) \(path)"] else { return false }
        return statuses.contains(String(status)) || (status >= 500 && statuses.contains("default"))
    }
}
