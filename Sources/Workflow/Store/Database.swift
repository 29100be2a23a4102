import Foundation
import Logging
import PostgresNIO

/// The PostgresNIO client every store type works through.
///
/// `PostgresClient` is a swift-service-lifecycle `Service` that must run while it is used. The
/// long-running commands (`serve`, `worker`) run it as the first service of their
/// `ServiceGroup`, as PostgresNIO's own examples do, so that on SIGTERM it stops last, after
/// the server and the worker that use it; one-shot commands run it in a task group around
/// their work (`DatabaseOptions.withSession`). `connect` runs it in a task of its own until
/// `close`, for tests and tools that cannot scope it.
public final class Database: Sendable {
    public let client: PostgresClient
    public let url: DatabaseURL
    public let logger: Logger
    /// The task running `client`, when `connect` started it.
    private let runner: Task<Void, Never>?

    /// A database whose client is not running yet: run `client` (a `Service`) before querying,
    /// then call `waitForServer` to fail early and clearly when PostgreSQL is not there.
    public convenience init(_ url: DatabaseURL, logger: Logger = Logger(label: "parcours.database")) {
        self.init(url: url, logger: logger, running: false)
    }

    /// Starts the client in a task of its own and checks that the server answers, so that a
    /// database that is down gives one clear error at start instead of failures later.
    public static func connect(_ url: DatabaseURL, logger: Logger = Logger(label: "parcours.database"),
                               connectTimeout: Duration = .seconds(10)) async throws(StoreError) -> Database {
        let database = Database(url: url, logger: logger, running: true)
        do {
            try await database.waitForServer(within: connectTimeout)
        } catch {
            database.close()
            throw error
        }
        return database
    }

    private init(url: DatabaseURL, logger: Logger, running: Bool) {
        self.url = url
        self.logger = logger
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: logger)
        self.client = client
        runner = running ? Task { await client.run() } : nil
    }

    /// Waits for the server to answer `SELECT 1`, or fails after `timeout`: the pool retries a
    /// refused connection for ever, so the probe has a deadline (see `withDeadline`). The
    /// client must be running.
    public func waitForServer(within timeout: Duration = .seconds(10)) async throws(StoreError) {
        do {
            try await withDeadline(timeout, "the first query") {
                try await self.client.query("SELECT 1", logger: self.logger)
            }
        } catch {
            throw StoreError(.unavailable, "cannot reach PostgreSQL at \(url): \(Database.describe(error)); check that the server runs and DATABASE_URL is right")
        }
    }

    /// Stops the pool that `connect` started; in-flight queries finish or fail. Nothing to do
    /// for a client run by its owner (a `ServiceGroup`, a task group).
    public func close() {
        runner?.cancel()
    }

    /// Runs `body` in one transaction, unwrapping PostgresNIO's transaction error so that
    /// callers see the error their own code threw (a refusal, a conflict).
    public func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let result = try await body(connection)
                // A caller that gave up (a deadline passed) gets no late commit behind its back.
                try Task.checkCancellation()
                return result
            }
        } catch let error as PostgresTransactionError {
            throw Self.storeError(error.closureError ?? error.commitError ?? error.beginError ?? error)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Runs `body` on one connection of the pool, outside any explicit transaction (each
    /// statement commits on its own), with database errors turned into `StoreError`s.
    public func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// A database error as a `StoreError` whose message is the server's own sentence
    /// (never the query or its values); store errors pass through unchanged.
    public static func storeError(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = describe(error)
        switch state {
        case let code where code.hasPrefix("23"):
            return StoreError(.integrity, "the database refused the change: \(message)")
        case "40001", "40P01":
            return StoreError(.conflict, "the change collided with another one: \(message); try again")
        case let code where code.isEmpty || ["08", "53", "57", "58"].contains(String(code.prefix(2))):
            // No answer, a lost connection, a server shutting down or out of resources:
            // the request may succeed later, unchanged.
            return StoreError(.unavailable, "the database connection failed: \(message)")
        default:
            // Anything else (a trigger's exception, a data error) refuses this very request.
            return StoreError(.integrity, "the database refused the request: \(message)")
        }
    }

    /// A short, safe description of a database error: the server's message, never the query.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? StoreError { return error.message }
        if let error = error as? PSQLError {
            if error.code == .connectionError { return "connection refused or failed" }
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
