import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Workflow

/// `workflow worker`: the long-running service that applies timers and deadlines, retries
/// failing steps, escalates what does not fit, and sweeps for cases without an owner.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the worker: timers, deadlines, retries and escalations, until SIGTERM or SIGINT.",
        discussion: """
            Several workers may run on one database, on one machine or several: they share the \
            due work through leases and never apply a timer twice. SIGTERM or SIGINT finishes \
            the batch in hand and gives back the rest.
            """)

    @OptionGroup var worker: WorkerOptions

    @Option(help: "trace, debug, info, notice, warning, error or critical [$PARCOURS_LOG_LEVEL, default info].")
    var logLevel: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let settings = try worker.settings()
        try LogSetup.bootstrap(logLevel)
        let logger = Logger(label: "parcours.worker")
        // The database client runs as a service before the worker, so it stops after it:
        // the worker gives back what it holds on SIGTERM through the client.
        try await database.runServices(logger: logger) { session in
            [Worker(database: session.database, catalog: session.catalog, settings: settings, calendar: session.calendar, logger: logger)]
        }
    }
}

/// Reading the log level from the option or `PARCOURS_LOG_LEVEL`, and logging to standard error.
enum LogSetup {
    /// Sends every log to standard error at the level asked (the long-running commands).
    static func bootstrap(_ option: String?) throws {
        let level = try level(option)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func level(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Logger.Level {
        let text = option ?? environment["PARCOURS_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("'\(text)' is not a log level; use trace, debug, info, notice, warning, error or critical")
        }
        return level
    }
}
