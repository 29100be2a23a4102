import Hummingbird
import NIOConcurrencyHelpers

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

    private func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        group.on(RouterPath(stringLiteral: path), method: method, use: handler)
        recorded.withLockedValue { $0.append((method, path)) }
    }
}
