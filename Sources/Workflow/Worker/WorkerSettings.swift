import Foundation

/// How a worker process claims and applies due work. The defaults suit a small deployment:
/// one loop, batches of 100, a 30 s lease, a poll every 5 s when nothing wakes it.
public struct WorkerSettings: Sendable {
    /// The worker's name in leases and in the workers table: host, process id and a random part.
    public var workerID: String
    /// Timers claimed (and applied in one transaction) at a time.
    public var batchSize = 100
    /// How long a claim holds; extended while the worker is busy with it. A worker that dies
    /// delays its work by at most this.
    public var lease: Duration = .seconds(30)
    /// The longest the worker sleeps when nothing wakes it (spread by ±20 %).
    public var pollInterval: Duration = .seconds(5)
    /// Claim loops in this process, each on its own connection.
    public var concurrency = 1
    /// How often the orphan sweep looks for open cases without an owner.
    public var sweepInterval: Duration = .seconds(60)
    /// How a timer whose change the database refused is tried again before it escalates.
    public var retry = StepRetryPolicy()
    /// The longest wait between two tries to reach a database that does not answer.
    public var maxReconnectDelay: Duration = .seconds(30)
    /// How the worker delivers webhooks.
    public var webhooks = WebhookSettings()

    public init(workerID: String = WorkerSettings.defaultWorkerID()) {
        self.workerID = workerID
    }

    /// `HOST:PID:RANDOM`, unique enough for leases and readable in supervision.
    public static func defaultWorkerID() -> String {
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(random)"
    }

    /// The settings as recorded in the workers table.
    var recorded: JSONValue {
        [
            "batch_size": .number(JSONNumber(batchSize)), "lease_seconds": .number(JSONNumber(Int(lease.seconds))),
            "poll_seconds": .string(String(pollInterval.seconds)), "concurrency": .number(JSONNumber(concurrency)),
            "sweep_seconds": .number(JSONNumber(Int(sweepInterval.seconds))),
            "max_attempts": .number(JSONNumber(retry.maxAttempts)),
        ]
    }
}
