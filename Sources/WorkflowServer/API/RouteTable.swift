import Hummingbird
import NIOConcurrencyHelpers
import Workflow

/// Registers the API's routes on the router and remembers them, so that a test can hold
/// them against the OpenAPI contract (a route missing from either side fails it).
final class RouteTable: Sendable {
    typealias Handler = @Sendable (Request, APIContext) async throws -> Response

    let group: RouterGroup<APIContext>
    /// The prefix the group's paths are under (`/api/v1`).
    let prefix: String
    private let recorded = NIOLockedValueBox<[(method: HTTPRequest.Method, path: String)]>([])

    init(group: RouterGroup<APIContext>, prefix: String) {
        self.group = group
        self.prefix = prefix
    }

    /// Every route as `METHOD /api/v1/path/{param}`.
    var routes: [String] {
        recorded.withLockedValue { $0.map { "\($0.method.rawValue) \(prefix)/\($0.path)" } }
    }

    func get(_ path: String, use handler: @escaping Handler) { add(.get, path, handler) }
    func post(_ path: String, use handler: @escaping Handler) { add(.post, path, handler) }
    func patch(_ path: String, use handler: @escaping Handler) { add(.patch, path, handler) }
    func put(_ path: String, use handler: @escaping Handler) { add(.put, path, handler) }

    /// How long a request may take before it is answered 503: a query on a connection the
    /// database dropped (a restart) may never return, and a client must not wait for ever.
    /// The abandoned handler finishes or fails on its own; a case change in it is still one
    /// transaction, so it either committed or left nothing.
    static let deadline: Duration = .seconds(10)

    private func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        group.on(RouterPath(stringLiteral: path), method: method) { request, context in
            try await withDeadline(Self.deadline, "the request") { try await handler(request, context) }
        }
        recorded.withLockedValue { $0.append((method, path)) }
    }
}
