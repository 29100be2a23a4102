import Foundation
import Testing
@testable import Workflow
@testable import WorkflowServer

/// The OpenAPI contract and the server must not drift: every route the server registers is
/// in the contract and every operation of the contract is served. Statuses are checked on
/// every response of every API test (`APIClient.send`).
@Suite("API: the contract")
struct APIContractTests {
    @Test("the routes served and the operations of openapi.yaml are the same")
    func routesMatchContract() async throws {
        let harness = try await APIHarness.make("api-contract")
        defer { harness.database.close() }
        let (_, table) = APIApplication.router(services: harness.services)
        let served = Set(table.routes.map { $0.replacingOccurrences(of: APIApplication.prefix, with: "") } + ["GET /openapi.yaml"])
        let declared = Set(harness.contract.operations.keys)
        #expect(served.subtracting(declared).sorted() == [], "served but not in the contract")
        #expect(declared.subtracting(served).sorted() == [], "in the contract but not served")
    }

    @Test("every operation declares 400, 401, 403 and server errors, unless it is public")
    func operationsDeclareErrors() throws {
        let contract = try OpenAPIContract.load()
        for (operation, statuses) in contract.operations where operation != "GET /openapi.yaml" {
            #expect(statuses.isSuperset(of: ["400", "401", "403", "default"]), "\(operation): \(statuses.sorted())")
        }
    }

    @Test("the contract is served without a token, as YAML that parses")
    func contractServed() async throws {
        let harness = try await APIHarness.make("api-contract-served")
        defer { harness.database.close() }
        try await harness.run { api in
            let response = try await api.send(.get, "/api/v1/openapi.yaml", as: nil)
            #expect(response.status == 200 && response.contentType == "application/yaml")
            guard case .string(let text) = response.json else { Issue.record("not text"); return }
            #expect(YAMLReader.read(text).diagnostics.isEmpty && text.hasPrefix("openapi: 3.1"))
        }
    }
}
