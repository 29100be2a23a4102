import Foundation

/// How often, and how far apart, the engine tries again an automatic step that failed at run
/// time (a rule that cannot be evaluated, a write the database refused) before escalating it
/// as `action-failed`: exponential backoff with jitter, a bounded number of times.
public struct StepRetryPolicy: Sendable {
    /// Tries in all, the first one included; 1 escalates at the first failure.
    public var maxAttempts: Int
    /// The delay before the second try; each further one doubles it, up to `maxDelay`.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A number in 0..<1 (randomness, replaceable in tests): the delay is spread over ±25 %
    /// so that cases that failed together are not retried together.
    let random: @Sendable () -> Double

    public init(maxAttempts: Int = 5, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(300),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
    }

    /// No retry: the first failure escalates.
    public static let none = StepRetryPolicy(maxAttempts: 1)

    /// Whether a step that has failed `attempts` times may be tried again.
    public func allowsRetry(after attempts: Int) -> Bool { attempts < maxAttempts }

    /// The delay before the next try, once a step has failed `attempts` times (1 or more).
    public func delay(after attempts: Int) -> Duration {
        let exponent = min(max(attempts - 1, 0), 30)
        let base = min(baseDelay.seconds * pow(2, Double(exponent)), maxDelay.seconds)
        return .milliseconds(Int64((base * (0.75 + 0.5 * random()) * 1000).rounded()))
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
