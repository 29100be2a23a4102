import Foundation
import Logging

extension Worker {
    /// Every `sweepInterval`, and once at start: the owner invariant as a query. A case it finds
    /// (which the database should have refused) is escalated as `orphaned` and logged as an error.
    func sweepPeriodically() async {
        while !Task.isCancelled {
            do {
                try await withDeadline(settings.lease, "the orphan sweep") { try await self.sweep() }
            } catch {
                metrics.databaseErrors.increment()
                logger.warning("the orphan sweep failed; it runs again later", metadata: ["error": "\(Database.describe(error))"])
            }
            try? await Task.sleep(for: settings.sweepInterval * Double.random(in: 0.9...1.1))
        }
    }

    /// One pass of the sweep; returns the cases it escalated.
    @discardableResult
    public func sweep() async throws -> [UUID] {
        var escalated: [UUID] = []
        for caseID in try await OwnerInvariant(database).casesWithoutOwner() {
            logger.error("found a case without an owner; escalating it as orphaned", metadata: ["case": "\(caseID)"])
            if try await store.escalateOrphan(caseID) {
                metrics.orphans.increment()
                metrics.escalated(EscalationReason.orphaned.rawValue)
                escalated.append(caseID)
            }
        }
        return escalated
    }
}
