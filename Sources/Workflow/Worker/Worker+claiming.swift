import Foundation
import Logging

extension Worker {
    /// One claim loop: claim a batch, apply it, and go on at once while batches come full;
    /// otherwise sleep until the next timer is due, a notification, or the jittered poll.
    /// A database that does not answer is waited for with backoff; nothing is lost meanwhile,
    /// since what was claimed and not applied comes back when its lease ends.
    func claimLoop(_ index: Int) async {
        let wakeUp = wakeUps.loops[index]
        var failures = 0
        while !stopping.isSet {
            do {
                let claimed = try await withDeadline(settings.lease, "claiming due timers") {
                    try await self.queue.claim(limit: self.settings.batchSize, worker: self.settings.workerID,
                                               lease: self.settings.lease)
                }
                failures = 0
                if !claimed.isEmpty {
                    holdings.add(claimed)
                    defer { holdings.remove(claimed) }
                    metrics.claimed.increment(by: claimed.count)
                    try await process(claimed)
                    if claimed.count == settings.batchSize { continue }
                }
                await wakeUp.wait(atMost: try await nextWait())
            } catch {
                failures += 1
                metrics.databaseErrors.increment()
                logger.warning("the database did not answer; trying again", metadata: [
                    "error": "\(Database.describe(error))", "tries": "\(failures)",
                ])
                await wakeUp.wait(atMost: Backoff.delay(after: failures, max: settings.maxReconnectDelay))
            }
        }
    }

    /// The poll interval spread by ±20 %, or less when a timer falls due sooner.
    private func nextWait() async throws -> Duration {
        let poll = settings.pollInterval * Double.random(in: 0.8...1.2)
        let next = try await withDeadline(settings.lease, "finding the next due timer") { try await self.queue.nextDue() }
        guard let next else { return poll }
        return min(poll, next + .milliseconds(5))
    }

    /// Applies a claimed batch in one transaction; when that fails because of a case (not
    /// because the database is gone), applies it again one case per transaction, so that the
    /// bad case alone is retried or escalated.
    func process(_ claimed: [ClaimedTimer]) async throws {
        let started = ContinuousClock.now
        do {
            record(try await apply(claimed))
            metrics.batchDuration.recordSeconds((ContinuousClock.now - started).seconds)
            return
        } catch let error as StoreError where error.code == .unavailable {
            throw error
        } catch {
            metrics.batchFailures.increment()
            logger.notice("a batch failed; applying it one case at a time", metadata: [
                "timers": "\(claimed.count)", "error": "\(Database.describe(error))",
            ])
        }
        for (_, timers) in Dictionary(grouping: claimed, by: \.caseID) {
            do {
                record(try await apply(timers))
            } catch let error as StoreError where error.code == .unavailable {
                throw error
            } catch {
                await failed(timers, error: Database.describe(error))
            }
        }
        metrics.batchDuration.recordSeconds((ContinuousClock.now - started).seconds)
    }

    private func apply(_ timers: [ClaimedTimer]) async throws -> [TimerApplication] {
        try await withDeadline(settings.lease, "applying \(timers.count) timers") {
            try await self.store.applyClaimed(timers, worker: self.settings.workerID)
        }
    }

    /// The timers of one case could not be written: each is tried again later (backoff with
    /// jitter) until the retry policy gives up, then the case is escalated as `action-failed`.
    private func failed(_ timers: [ClaimedTimer], error: String) async {
        for timer in timers {
            let attempts = timer.attempt + 1
            var metadata: Logger.Metadata = [
                "case": "\(timer.caseID)", "timer": "\(timer.id)", "kind": "\(timer.kind.rawValue)",
                "attempt": "\(attempts)", "error": "\(error)",
            ]
            do {
                if settings.retry.allowsRetry(after: attempts) {
                    let delay = settings.retry.delay(after: attempts)
                    let postponed = try await withDeadline(settings.lease, "postponing a timer") {
                        try await self.queue.postpone(timer.id, worker: self.settings.workerID, attempt: attempts, delay: delay)
                    }
                    guard postponed else { continue }  // applied meanwhile by another worker
                    metrics.retries.increment()
                    metadata["retry_in"] = "\(delay)"
                    logger.warning("applying a timer failed; it will be tried again", metadata: metadata)
                } else if try await withDeadline(settings.lease, "escalating a failing timer", {
                    try await self.store.failTimer(timer, error: error, attempts: attempts)
                }) {
                    metrics.escalated(EscalationReason.actionFailed.rawValue)
                    logger.error("applying a timer failed after every try; the case is escalated", metadata: metadata)
                }
            } catch {
                // Even the escalation could not be written: keep the timer (the case keeps its
                // owner) and try again much later, loudly.
                metadata["escalation_error"] = "\(Database.describe(error))"
                logger.critical("cannot escalate a case whose timer keeps failing", metadata: metadata)
                _ = try? await queue.postpone(timer.id, worker: settings.workerID, attempt: attempts,
                                              delay: settings.retry.maxDelay)
            }
        }
    }

    /// Counts and logs what a batch did.
    private func record(_ applications: [TimerApplication]) {
        for application in applications {
            let timer = application.timer
            switch application.result {
            case .skipped(let why):
                metrics.skipped.increment()
                logger.debug("timer skipped", metadata: ["case": "\(timer.caseID)", "timer": "\(timer.id)", "why": "\(why)"])
            case .applied(let escalations, let state, let closed):
                metrics.applied(timer.kind)
                metrics.lag.recordSeconds(max(0, application.appliedAt.timeIntervalSince(timer.dueAt)))
                for reason in escalations {
                    metrics.escalated(reason)
                    logger.info("case escalated", metadata: [
                        "case": "\(timer.caseID)", "reason": "\(reason)", "state": "\(state)", "timer": "\(timer.kind.rawValue)",
                    ])
                }
                logger.debug("timer applied", metadata: [
                    "case": "\(timer.caseID)", "kind": "\(timer.kind.rawValue)", "state": "\(state)", "closed": "\(closed)",
                ])
            }
        }
    }
}
