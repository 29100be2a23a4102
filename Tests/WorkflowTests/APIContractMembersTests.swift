import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The contract's query parameters and body members are the ones the server reads: each one
/// the contract declares is accepted by its operation (never refused as unknown), on real
/// cases, tasks and portal cases. (Undeclared ones are refused: APIMalformedInputTests.)
@Suite("API: the contract's parameters and members")
struct APIContractMembersTests {
    @Test("every declared query parameter and body member is read by its operation")
    func declaredMembersAccepted() async throws {
        let harness = try await APIHarness.make("api-contract-members")
        defer { harness.database.close() }
        let (_, portalToken) = try await AgentStore(harness.database).add(id: "portail", agency: "portail", roles: [], portal: true)
        let declared = try Self.declared()
        try await harness.run { api in
            let retraite = try APICaseFlowTests.example("retraite")
            let caseID = try #require(try await api.send(.post, "/api/v1/cases", as: "rh",
                                                         json: ["workflow": "retraite-multi-statuts", "data": retraite])["id"]?.stringValue)
            _ = try await api.send(.post, "/api/v1/cases/\(caseID)/events", as: "rh", json: ["raise": "agent-raised", "note": "x"])
            // The routes that name a case by an agency's reference get one that exists.
            _ = try await api.send(.put, "/api/v1/cases/\(caseID)/external-ref", as: "rh", json: ["ref": "REF-MEMBRES"])
            let taskID = try #require(try await api.send(.get, "/api/v1/tasks?kind=escalation", as: "coord")["items"]?
                .arrayValue?.first?.value(at: "id")?.stringValue)
            var person = HTTPFields()
            person[HTTPField.Name("Citizen-Ref")!] = "oidc|membres"
            let portalCase = try #require(try await api.send(.post, "/api/v1/portal/cases", as: portalToken,
                                                             json: ["workflow": "retraite-multi-statuts", "data": retraite],
                                                             headers: person)["id"]?.stringValue)
            var checked = 0
            for operation in declared {
                let isPortal = operation.path.hasPrefix("/portal")
                let id = isPortal ? portalCase : (operation.path.hasPrefix("/tasks") ? taskID : caseID)
                let path = operation.path.replacingOccurrences(of: "{id}", with: operation.path.hasPrefix("/workflows") ? "retraite-multi-statuts" : id)
                    .replacingOccurrences(of: "{agency}", with: "armees").replacingOccurrences(of: "{ref}", with: "REF-MEMBRES")
                let agent = isPortal ? portalToken : (operation.path.hasPrefix("/supervision") || operation.path.hasSuffix("access-log") ? "coord" : "rh")
                let method = HTTPRequest.Method(operation.method)!
                for parameter in operation.query {
                    let response = try await api.send(method, "/api/v1\(path)?\(parameter)=1", as: agent,
                                                      json: operation.hasBody ? [:] : nil, headers: isPortal ? person : [:],
                                                      template: operation.path)
                    let detail = response["detail"]?.stringValue ?? ""
                    #expect(!detail.hasPrefix("unknown query parameter"), "\(operation.method) \(operation.path) refuses its parameter '\(parameter)'")
                    checked += 1
                }
                for member in operation.members {
                    let response = try await api.send(method, "/api/v1\(path)", as: agent, json: [member: .null],
                                                      headers: isPortal ? person : [:], template: operation.path)
                    let detail = response["detail"]?.stringValue ?? ""
                    #expect(!detail.hasPrefix("unknown member"), "\(operation.method) \(operation.path) refuses its member '\(member)': \(detail)")
                    #expect(response.status != 404, "\(operation.method) \(operation.path): the member was not reached")
                    checked += 1
                }
            }
            #expect(checked > 40)
        }
    }

    struct Operation {
        var method: String
        var path: String
        var query: [String]
        var members: [String]
        var hasBody: Bool
    }

    /// The operations of openapi.yaml with their query parameters (inline) and JSON body members.
    static func declared() throws -> [Operation] {
        let text = try String(contentsOf: Repository.file("Sources/WorkflowServer/API/openapi.yaml"), encoding: .utf8)
        guard let root = YAMLReader.read(text).root?.mapping,
              let paths = root.first(where: { $0.key == "paths" })?.value.mapping else { return [] }
        var operations: [Operation] = []
        for path in paths where path.key != "/openapi.yaml" {
            for operation in path.value.mapping ?? [] where ["get", "post", "patch"].contains(operation.key) {
                let fields = operation.value.mapping ?? []
                let parameters = fields.first { $0.key == "parameters" }?.value.sequence ?? []
                let query = parameters.compactMap { parameter -> String? in
                    let members = parameter.mapping ?? []
                    guard members.first(where: { $0.key == "in" })?.value.scalar?.value == "query" else { return nil }
                    return members.first { $0.key == "name" }?.value.scalar?.value
                }
                let body = fields.first { $0.key == "requestBody" }?.value
                let json = body?.mapping?.first { $0.key == "content" }?.value.mapping?
                    .first { $0.key == "application/json" }?.value.mapping?.first { $0.key == "schema" }?.value.mapping
                let properties = json?.first { $0.key == "properties" }?.value.mapping?.map(\.key) ?? []
                operations.append(Operation(method: operation.key.uppercased(), path: path.key, query: query, members: properties,
                                            hasBody: body != nil))
            }
        }
        return operations
    }
}
