import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Workflow

/// The composition root of the HTTP API: the router with its middleware and routes.
enum APIApplication {
    static let prefix = "/api/v1"

    /// The router, and the table of the routes it serves (for the contract test).
    static func router(services: APIServices) -> (Router<APIContext>, RouteTable) {
        let router = Router(context: APIContext.self)
        router.add(middleware: ProblemMiddleware())
        router.get("\(prefix)/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text)))
        }
        let group = router.group(RouterPath(stringLiteral: prefix)).add(middleware: AuthMiddleware(agents: services.agents))
        let table = RouteTable(group: group, prefix: prefix)
        WorkflowRoutes(services: services).add(to: table)
        CaseRoutes(services: services).add(to: table)
        TaskRoutes(services: services).add(to: table)
        SupervisionRoutes(services: services).add(to: table)
        return (router, table)
    }

    /// The application listening on `host:port`, running `services` (the worker) beside it.
    static func make(services: APIServices, host: String, port: Int, running others: [any Service],
                     logger: Logger) -> some ApplicationProtocol {
        let (router, _) = router(services: services)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "parcours"),
                           services: others, logger: logger)
    }
}

/// The OpenAPI contract, as shipped beside the binary.
enum OpenAPIDocument {
    static let text: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            return "# the OpenAPI document is missing from this build\n"
        }
        return text
    }()
}
