import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Workflow

/// `workflow serve`: the HTTP API (and the worker, unless `--no-worker`) until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web pages (/), the HTTP API (/api/v1, contract at /api/v1/openapi.yaml) and run the worker.")

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: "A folder of workflow files: each one is published at start when it is new.")
    var workflows: String?

    @Flag(help: "Mark the pages' cookies Secure: set it when a TLS proxy serves this server over https.")
    var secureCookies = false

    @Flag(help: "Do not run the worker in this process (run 'workflow worker' elsewhere).")
    var noWorker = false

    @OptionGroup var worker: WorkerOptions

    @OptionGroup var signIn: SignInOptions

    @Option(help: "trace, debug, info, notice, warning, error or critical [$PARCOURS_LOG_LEVEL, default info].")
    var logLevel: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let settings = try worker.settings()
        let signIn = try self.signIn.checked(host: host, port: port)
        try LogSetup.bootstrap(logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "parcours.serve")
        let (host, port, workflows, noWorker, secureCookies) = (host, port, workflows, noWorker, secureCookies)
        // The database client is a service of the group, beside the server and the worker:
        // SIGTERM stops the server (in-flight requests finish), then the worker, then the client.
        try await database.runServices(logger: logger, setUp: { session in
            if let workflows {
                try await Self.publish(folder: workflows, session: session, logger: logger)
            }
        }) { session in
            let services = APIServices(database: session.database, calendar: session.calendar)
            let webSignIn = signIn.signIn(database: session.database)
            var others: [any Service] = []
            if !noWorker {
                others.append(Worker(database: session.database, catalog: services.catalog, settings: settings, calendar: session.calendar,
                                     logger: Logger(label: "parcours.worker")))
            }
            let app = APIApplication.make(services: services, host: host, port: port, running: others,
                                         registry: registry, secureCookies: secureCookies, signIn: webSignIn, logger: logger)
            logger.info("serving the pages and the API", metadata: ["address": "http://\(host):\(port)/", "worker": "\(!noWorker)",
                                                                     "web_sign_in": "\(webSignIn.mode.rawValue)",
                                                                     "oidc_providers": "\(webSignIn.providers.joined(separator: ","))"])
            return [app]
        }
    }

    /// Publishes each workflow file of the folder that is not published yet; a file with
    /// errors stops the start, with its diagnostics.
    private static func publish(folder: String, session: DatabaseSession, logger: Logger) async throws {
        let repository = WorkflowRepository(session.database)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file)
            let bytes: [UInt8]
            switch WorkflowFiles.read(path) {
            case .success(let read): bytes = read
            case .failure(let problem):
                Output.error("error: \(path): \(problem.message)")
                throw ExitCode(1)
            }
            do {
                switch try await repository.publish(bytes, named: path, publishedBy: Operator.recorded) {
                case .published(let id, let version):
                    logger.info("published", metadata: ["workflow": "\(id)", "version": "\(version)", "file": "\(path)"])
                case .alreadyPublished:
                    break
                }
            } catch let error as StoreError {
                for diagnostic in error.diagnostics { Output.error(diagnostic.formatted(file: path)) }
                Output.error("error: \(path): \(error.message)")
                throw ExitCode(1)
            }
        }
    }
}
