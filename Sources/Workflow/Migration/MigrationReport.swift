import Foundation

/// What a designer or supervisor asks: move the open cases of `workflow` (those in `state`
/// when one is named) to `toVersion`, with `mapping` for the states it renamed or removed;
/// with `dryRun`, only say which would fit.
public struct MigrationRequest: Sendable {
    public var workflow: String
    public var toVersion: Int
    public var mapping: StateMapping
    public var state: String?
    public var dryRun: Bool
    /// At most this many cases in this call (the API's and the pages' requests have a time
    /// limit); the report says how many remain, for the next call.
    public var limit: Int?
    /// Only the cases whose id comes after this one (the `after` of the previous call's
    /// report): a continuation goes on from where the last call stopped, so the cases it left
    /// on their version (misfits) are not looked at again and every call makes progress.
    public var after: UUID?
    /// Once this much time has gone by, no further case is started (at least one is handled):
    /// the rest is `remaining`, for the next call, rather than a request past its deadline.
    public var budget: Duration?

    public init(workflow: String, toVersion: Int, mapping: StateMapping = StateMapping(), state: String? = nil, dryRun: Bool = false,
                limit: Int? = nil, after: UUID? = nil, budget: Duration? = nil) {
        self.workflow = workflow
        self.toVersion = toVersion
        self.mapping = mapping
        self.state = state
        self.dryRun = dryRun
        self.limit = limit
        self.after = after
        self.budget = budget
    }
}

/// What a migration did (or, dry, would do) to each case.
public struct MigrationReport: Sendable {
    public enum Outcome: String, Sendable, CaseIterable {
        /// Moved to the version, in its own transaction.
        case migrated
        /// Dry run: would move.
        case fits
        /// Does not fit: escalated `migration-misfit` with the reasons (dry run: would be).
        case misfit
        /// Does not fit, and a `migration-misfit` escalation of the case (for this version or
        /// another) is still open: no second one is opened.
        case alreadyEscalated = "already-escalated"
        /// Found on the version already, or closed, when its turn came (another migration, an agent).
        case skipped
        /// Kept changing under the migration, or refused: run the migration again for the rest.
        case failed
    }

    public struct Item: Sendable {
        public var caseID: UUID
        public var fromVersion: Int
        public var state: String
        public var outcome: Outcome
        public var reasons: [MisfitReason]
        public var message: String?
    }

    public var workflow: String
    public var toVersion: Int
    public var mapping: StateMapping
    public var dryRun: Bool
    public var items: [Item]
    /// Open cases on other versions left for a later call (beyond the request's `limit`).
    public var remaining = 0
    /// When `remaining` is not 0: the last case this call looked at, to pass back as the
    /// request's `after` so that the next call goes on from there.
    public var after: UUID?

    public func count(_ outcome: Outcome) -> Int { items.lazy.filter { $0.outcome == outcome }.count }

    /// The cases taken back from a later version to this earlier one (a migration goes either
    /// way: to an older version, it is a rollback of the cases on newer ones), moved or not.
    public var backward: Int { items.lazy.filter { $0.fromVersion > toVersion }.count }

    public var json: JSONValue {
        .object([
            "workflow": .string(workflow), "to_version": .number(JSONNumber(toVersion)), "dry_run": .bool(dryRun),
            "mapping": mapping.json, "remaining": .number(JSONNumber(remaining)), "backward": .number(JSONNumber(backward)),
            "after": after.map { .string($0.lowercasedString) } ?? .null,
            "counts": .object(Dictionary(uniqueKeysWithValues: Outcome.allCases.map { ($0.rawValue, JSONValue.number(JSONNumber(count($0)))) })),
            "cases": .array(items.map { item in
                var object: [String: JSONValue] = [
                    "case": .string(item.caseID.lowercasedString), "from_version": .number(JSONNumber(item.fromVersion)),
                    "state": .string(item.state), "outcome": .string(item.outcome.rawValue),
                    "reasons": .array(item.reasons.map(\.json)),
                ]
                object["message"] = item.message.map(JSONValue.string) ?? .null
                return .object(object)
            }),
        ])
    }

    /// One line per case that did not simply move, then the counts.
    public var text: String {
        var lines: [String] = []
        for item in items where item.outcome != .migrated && item.outcome != .fits {
            let id = item.caseID.lowercasedString
            lines.append("\(id) \(item.outcome.rawValue) (version \(item.fromVersion), \(item.state))"
                         + (item.message.map { ": \($0)" } ?? ""))
            for reason in item.reasons { lines.append("    \(reason.code): \(reason.message)") }
        }
        let counted = Outcome.allCases.compactMap { outcome -> String? in
            let number = count(outcome)
            return number == 0 ? nil : "\(number) \(outcome.rawValue)"
        }
        lines.append("\(workflow) -> version \(toVersion)\(dryRun ? " (dry run, nothing changed)" : ""): "
                     + (counted.isEmpty ? "no open case to move" : counted.joined(separator: ", "))
                     + (backward > 0 ? " (\(backward) of them back from a later version)" : "")
                     + (remaining > 0 ? "; \(remaining) more open cases left for another run"
                        + (after.map { " (go on after \($0.lowercasedString))" } ?? "") : ""))
        return lines.joined(separator: "\n") + "\n"
    }
}
