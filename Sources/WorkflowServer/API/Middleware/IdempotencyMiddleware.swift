import Foundation
import HTTPTypes
import Hummingbird
import Workflow

/// `Idempotency-Key` on the API's POSTs: another administration's system that retries a
/// POST after a timeout gets the first answer again instead of a second change.
///
/// The key is reserved in the database before the request is processed; then
/// - the same key with the same method, path and body: the stored answer, byte for byte,
///   with `Idempotency-Replayed: true`;
/// - the same key with another request: 422;
/// - the same key while the first request is still processed: 409 with `Retry-After`
///   (the duplicate is refused rather than made to wait: a request holds a connection);
/// - an answer with a 5xx is not kept (the key is released: the client may retry); 2xx,
///   3xx and 4xx answers are kept, as the IETF draft says.
/// Keys are per caller, kept 24 hours (`IdempotencyKeyStore.retention`), purged by the
/// next reservation after that.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let keys: IdempotencyKeyStore

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard request.method == .post, let key = try IdempotencyKey.of(request), let agent = context.agent else {
            return try await next(request, context)
        }
        var request = request
        // Buffered here for the fingerprint; the route reads the same bytes again.
        let body = try await BodyReader.bytes(&request)
        let path = request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path
        let fingerprint = IdempotencyKeyStore.Fingerprint(method: request.method.rawValue, path: path, body: body)
        let keys = self.keys
        let reservation = try await withDeadline(RouteTable.deadline, "the Idempotency-Key's reservation") {
            try await keys.reserve(agent: agent.id, key: key, fingerprint: fingerprint)
        }
        switch reservation {
        case .taken(let first, _) where first != fingerprint:
            throw Problem(.unprocessableContent, "this Idempotency-Key was used for another request (\(first.method) \(first.path) with another body); use a new key",
                          parameter: "Idempotency-Key")
        case .taken(_, nil):
            var problem = Problem(.conflict, "a request with this Idempotency-Key is still being processed; try again shortly",
                                  parameter: "Idempotency-Key")
            problem.headers[.retryAfter] = "1"
            throw problem
        case .taken(_, let answer?):
            return Self.replay(answer)
        case .reserved(let id):
            return try await process(request, context: context, next: next, agent: agent.id, key: key, reservation: id)
        }
    }

    /// Processes the request that holds the key and stores its answer, or releases the key on a 5xx.
    private func process(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response,
                         agent: String, key: String, reservation: UUID) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ProblemMiddleware.response(for: error, request: request, logger: context.logger)
        }
        let keys = self.keys
        guard response.status.code < 500 else {
            do {
                try await withDeadline(RouteTable.deadline, "the Idempotency-Key's release") {
                    try await keys.release(agent: agent, key: key, reservation: reservation)
                }
            } catch {
                // The reservation lapses on its own after its lease.
                context.logger.error("cannot release an Idempotency-Key", metadata: ["error": "\(error)"])
            }
            return response
        }
        let body = try await ResponseBodyCollector.bytes(of: response.body)
        var headers: [String: String] = [:]
        for name in IdempotencyKey.keptHeaders {
            if let value = response.headers[name] { headers[name.canonicalName] = value }
        }
        let answer = IdempotencyKeyStore.Answer(status: Int(response.status.code), headers: headers, body: body)
        do {
            try await withDeadline(RouteTable.deadline, "the Idempotency-Key's answer") {
                try await keys.complete(agent: agent, key: key, reservation: reservation, answer: answer)
            }
        } catch {
            // The change is made and the client gets its answer; a retry after the lease would apply it again.
            context.logger.error("cannot store an Idempotency-Key's answer", metadata: ["error": "\(error)"])
        }
        response.body = .init(byteBuffer: ByteBuffer(bytes: body))
        return response
    }

    /// The stored answer, as it was, marked as a replay.
    static func replay(_ answer: IdempotencyKeyStore.Answer) -> Response {
        var headers = HTTPFields()
        for (name, value) in answer.headers.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        headers[IdempotencyKey.replayed] = "true"
        return Response(status: HTTPResponse.Status(code: answer.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
