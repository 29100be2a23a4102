import ArgumentParser
import Foundation
import Workflow

/// The worker's settings: each option also reads an environment variable, and the option
/// wins over the variable, which wins over the default.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Timers claimed and applied in one transaction [$PARCOURS_WORKER_BATCH_SIZE, default 100].")
    var batchSize: Int?

    @Option(help: "Seconds a claim holds before another worker may take it over [$PARCOURS_WORKER_LEASE, default 30].")
    var lease: Double?

    @Option(help: "Longest sleep, in seconds, when no notification comes [$PARCOURS_WORKER_POLL_INTERVAL, default 5].")
    var pollInterval: Double?

    @Option(help: "Claim loops in this process, each with its own connection [$PARCOURS_WORKER_CONCURRENCY, default 1].")
    var concurrency: Int?

    @Option(help: "Tries of a failing automatic step before it escalates as action-failed [$PARCOURS_WORKER_MAX_ATTEMPTS, default 5].")
    var maxAttempts: Int?

    @Option(help: "Seconds before the second try of a failing step; doubled each time [$PARCOURS_WORKER_RETRY_DELAY, default 2].")
    var retryDelay: Double?

    @Option(help: "Seconds between two orphan sweeps [$PARCOURS_WORKER_SWEEP_INTERVAL, default 60].")
    var sweepInterval: Double?

    @Option(help: "The secrets key file that opens the webhooks' signing secrets [$PARCOURS_SECRETS_KEY_FILE, default ./.parcours/secrets.key].")
    var secretsKeyFile: String?

    @Option(help: "Hosts webhooks may reach whatever their address (loopback, private), separated by commas [$PARCOURS_ALLOW_WEBHOOK_HOSTS].")
    var allowWebhookHosts: String?

    @Option(help: "Seconds a webhook receiver has to answer [$PARCOURS_WEBHOOK_TIMEOUT, default 10].")
    var webhookTimeout: Double?

    @Option(help: "Seconds before the second try of a failing webhook; doubled each time, at most an hour [$PARCOURS_WEBHOOK_RETRY_DELAY, default 5].")
    var webhookRetryDelay: Double?

    @Option(help: "Seconds an endpoint may keep failing before it is disabled [$PARCOURS_WEBHOOK_RETRY_WINDOW, default 86400].")
    var webhookRetryWindow: Double?

    /// The settings, from options, then the environment, then the defaults.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> WorkerSettings {
        var settings = WorkerSettings()
        let defaults = WorkerSettings(workerID: settings.workerID)
        settings.batchSize = try Self.value(batchSize, "PARCOURS_WORKER_BATCH_SIZE", environment) ?? defaults.batchSize
        settings.concurrency = try Self.value(concurrency, "PARCOURS_WORKER_CONCURRENCY", environment) ?? defaults.concurrency
        settings.lease = try Self.seconds(lease, "PARCOURS_WORKER_LEASE", environment) ?? defaults.lease
        settings.pollInterval = try Self.seconds(pollInterval, "PARCOURS_WORKER_POLL_INTERVAL", environment) ?? defaults.pollInterval
        settings.sweepInterval = try Self.seconds(sweepInterval, "PARCOURS_WORKER_SWEEP_INTERVAL", environment) ?? defaults.sweepInterval
        let attempts = try Self.value(maxAttempts, "PARCOURS_WORKER_MAX_ATTEMPTS", environment) ?? defaults.retry.maxAttempts
        let delay = try Self.seconds(retryDelay, "PARCOURS_WORKER_RETRY_DELAY", environment) ?? defaults.retry.baseDelay
        settings.retry = StepRetryPolicy(maxAttempts: attempts, baseDelay: delay)
        var webhooks = settings.webhooks
        if let file = secretsKeyFile { webhooks.secretsKeyFile = URL(fileURLWithPath: file) }
        webhooks.addressPolicy = .from(option: allowWebhookHosts, environment: environment)
        // Unless given, half the lease at most: a delivery must end before its lease can.
        webhooks.timeout = try Self.seconds(webhookTimeout, "PARCOURS_WEBHOOK_TIMEOUT", environment)
            ?? min(webhooks.timeout, settings.lease / 2)
        webhooks.firstRetry = try Self.seconds(webhookRetryDelay, "PARCOURS_WEBHOOK_RETRY_DELAY", environment) ?? webhooks.firstRetry
        webhooks.retryWindow = try Self.seconds(webhookRetryWindow, "PARCOURS_WEBHOOK_RETRY_WINDOW", environment) ?? webhooks.retryWindow
        settings.webhooks = webhooks
        guard webhooks.timeout < settings.lease else {
            throw ValidationError("the webhook timeout must be shorter than the lease, or another worker could send the same event meanwhile")
        }
        guard (1...10_000).contains(settings.batchSize) else { throw ValidationError("the batch size must be between 1 and 10000") }
        guard (1...64).contains(settings.concurrency) else { throw ValidationError("the concurrency must be between 1 and 64") }
        guard (1...100).contains(attempts) else { throw ValidationError("the number of tries must be between 1 and 100") }
        return settings
    }

    private static func value(_ option: Int?, _ variable: String, _ environment: [String: String]) throws -> Int? {
        if let option { return option }
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(variable) is '\(text)', not a whole number") }
        return value
    }

    private static func seconds(_ option: Double?, _ variable: String, _ environment: [String: String]) throws -> Duration? {
        var value = option
        if value == nil, let text = environment[variable], !text.isEmpty {
            guard let parsed = Double(text) else { throw ValidationError("\(variable) is '\(text)', not a number of seconds") }
            value = parsed
        }
        guard let value else { return nil }
        guard value > 0, value <= 86_400 else {
            throw ValidationError("\(variable.lowercased().replacingOccurrences(of: "parcours_worker_", with: "").replacingOccurrences(of: "parcours_", with: "")) must be between 0 and 86400 seconds, not \(value)")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }
}
