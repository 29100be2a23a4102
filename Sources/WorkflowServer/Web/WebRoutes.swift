import Hummingbird
import Workflow

/// How pages are registered: each handler runs within the API's deadline, so that a query on
/// a connection the database dropped answers a 503 page instead of hanging (see `RouteTable`).
extension RouterGroup where Context == WebContext {
    typealias PageHandler = @Sendable (Request, WebContext) async throws -> Response

    @discardableResult
    func getPage(_ path: String, use handler: @escaping PageHandler) -> Self { page(.get, path, handler) }

    @discardableResult
    func postPage(_ path: String, use handler: @escaping PageHandler) -> Self { page(.post, path, handler) }

    private func page(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping PageHandler) -> Self {
        on(RouterPath(stringLiteral: path), method: method) { request, context in
            try await withDeadline(RouteTable.deadline, "the page") { try await handler(request, context) }
        }
    }
}
