import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import Workflow

/// The composition root of the HTTP API and the web pages: the router with its middleware and routes.
enum APIApplication {
    static let prefix = "/api/v1"

    /// The router, and the table of the routes it serves (for the contract test).
    static func router(services: APIServices, registry: PrometheusCollectorRegistry? = nil,
                       secureCookies: Bool = false, signIn: WebSignIn = .tokenOnly) -> (Router<APIContext>, RouteTable) {
        let router = Router(context: APIContext.self)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        OperationsRoutes(services: services, registry: registry).add(to: router)
        router.get("\(prefix)/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text)))
        }
        let group = router.group(RouterPath(stringLiteral: prefix))
            .add(middleware: AuthMiddleware(agents: services.agents))
            .add(middleware: IdempotencyMiddleware(keys: services.idempotencyKeys))
        let table = RouteTable(group: group, prefix: prefix)
        WorkflowRoutes(services: services).add(to: table)
        MigrationRoutes(services: services).add(to: table)
        CaseRoutes(services: services).add(to: table)
        TaskRoutes(services: services).add(to: table)
        EventRoutes(services: services).add(to: table)
        AccessLogRoutes(services: services).add(to: table)
        PortalRoutes(services: services).add(to: table)
        SupervisionRoutes(services: services).add(to: table)
        ReferentRoutes(services: services).add(to: table)
        RequestRoutes(services: services).add(to: table)
        WebSite(services: services, secureCookies: secureCookies, signIn: signIn).add(to: router)
        return (router, table)
    }

    /// The application listening on `host:port`, running `services` (the worker) beside it.
    static func make(services: APIServices, host: String, port: Int, running others: [any Service],
                     registry: PrometheusCollectorRegistry?, secureCookies: Bool = false, signIn: WebSignIn = .tokenOnly,
                     logger: Logger) -> some ApplicationProtocol {
        let (router, _) = router(services: services, registry: registry, secureCookies: secureCookies, signIn: signIn)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "parcours"),
                           services: others, logger: logger)
    }
}
