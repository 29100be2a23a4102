import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Workflow

/// Turns every error into `application/problem+json`: problems as they are, store errors by
/// their code, and anything else into a 500 that carries no internal message (the log has it).
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, request: request, logger: context.logger)
        }
    }

    /// The problem answering `error` (also for `IdempotencyMiddleware`, which keeps the
    /// answers of failed requests too).
    static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        switch error {
        case let problem as Problem:
            return problem.response()
        case let failure as CaseFailure:
            return Problem(failure).response()
        case let error as StoreError:
            return problem(for: error, logger: logger).response()
        case let error as PSQLError:
            guard let mapped = Database.storeError(error) as? StoreError else {
                return Problem(.internalServerError, "the server failed to handle this request; it is logged").response()
            }
            return problem(for: mapped, logger: logger).response()
        case let error as HTTPError:
            return Problem(error.status, error.body ?? error.status.reasonPhrase).response()
        default:
            logger.error("internal error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return Problem(.internalServerError, "the server failed to handle this request; it is logged").response()
        }
    }

    /// Whether `error` is a deadline that ran out (`withDeadline`), not a database that refused.
    static func isTimeout(_ error: StoreError) -> Bool {
        error.code == .unavailable && error.message.contains("got no answer within")
    }

    static func problem(for error: StoreError, logger: Logger) -> Problem {
        switch error.code {
        case .notFound: return Problem(.notFound, error.message)
        case .conflict, .versionTaken: return Problem(.conflict, error.message)
        case .unavailable where isTimeout(error):
            // A deadline: the database may not have answered, or the work took too long; say
            // neither as a certainty.
            logger.error("request past its deadline", metadata: ["error": "\(error.message)"])
            return Problem(.serviceUnavailable, "the request got no answer within its time limit (the database did not answer in time, "
                           + "or the work was too long); what was done before is kept; try again shortly")
        case .unavailable:
            logger.error("database unavailable", metadata: ["error": "\(error.message)"])
            return Problem(.serviceUnavailable, "the database is unavailable; try again shortly")
        case .invalidWorkflow:
            return Problem(.unprocessableContent, error.message, members: ["diagnostics": Diagnostics.json(error.diagnostics)])
        default:
            logger.error("store error", metadata: ["error": "\(error.message)"])
            return Problem(.internalServerError, "the server failed to handle this request; it is logged")
        }
    }
}
