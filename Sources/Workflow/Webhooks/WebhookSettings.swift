import Foundation

/// How a worker delivers webhooks. The defaults follow the language brief: a short timeout,
/// retries with exponential backoff and jitter for 24 hours, then the endpoint is disabled.
public struct WebhookSettings: Sendable {
    /// The deployment's secrets key file (it opens the sealed signing secrets).
    public var secretsKeyFile: URL = SecretsKey.defaultFile()
    public var addressPolicy = WebhookAddressPolicy()
    /// The longest a receiver may take to answer one delivery.
    public var timeout: Duration = .seconds(10)
    /// How long the event at the head of an endpoint may keep failing before the endpoint
    /// is disabled.
    public var retryWindow: Duration = .seconds(24 * 3600)
    /// The wait before the second try of a failing event; doubled each time, up to an hour.
    public var firstRetry: Duration = .seconds(5)
    public var longestRetry: Duration = .seconds(3600)
    /// The longest a worker waits before looking for new events when nothing was delivered.
    public var pollInterval: Duration = .seconds(1)
    /// Endpoints one worker delivers to at once, and events read at a time for each.
    public var endpointsAtOnce = 4
    public var pageSize = 100

    public init() {}

    /// The wait after the `attempt`-th failure in a row: doubled each time from `firstRetry`,
    /// at most `longestRetry`, then drawn between half of it and all of it, so that endpoints
    /// that failed together do not all retry together.
    public func delay(afterAttempt attempt: Int) -> Duration {
        let doubled = firstRetry.seconds * pow(2, Double(min(max(attempt - 1, 0), 30)))
        let capped = min(doubled, longestRetry.seconds)
        return .milliseconds(Int64(capped * Double.random(in: 0.5...1.0) * 1000))
    }
}
