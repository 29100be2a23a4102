import Foundation

/// Where one legal clock of a case stands, with what is needed to explain its due date:
/// kept with the case (`cases.clocks`), changed only by the engine.
public struct ClockRun: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case running
        case suspended
        /// Ended by a state of `stops_on`, or the case closing, before its due date.
        case stopped
        case expired
    }

    /// One suspension: from when, until when (nil while it lasts), and the state that caused it.
    public struct Suspension: Sendable, Hashable {
        public var from: Date
        public var to: Date?
        public var state: String
        public var track: String?
        /// The rule applied when it ended (`restart` or `continue`).
        public var resumedBy: String?
    }

    public var name: String
    public var status: Status
    /// When the clock first started.
    public var startedAt: Date
    /// Where its current count starts: the start, or the last restart after a suspension.
    public var countsFrom: Date
    /// The due date while it runs (and when it ended by expiry).
    public var dueAt: Date?
    /// While suspended under `continue`: the seconds that remained when it stopped.
    public var remaining: Double?
    /// While suspended under `continue`, for a clock in business days: the business days
    /// that remained (resumed with the calendar, not in seconds).
    public var remainingBusinessDays: Int?
    /// The due date before the current suspension (its time of day is kept on resume).
    public var lastDue: Date?
    public var suspensions: [Suspension]
    /// Whether the `warn_before` escalation was raised for the current count.
    public var warned: Bool
    public var endedAt: Date?
    /// Why it ended: the state entered, `closed`, or `expired`.
    public var endedBy: String?

    public init(name: String, status: Status, startedAt: Date, countsFrom: Date, dueAt: Date?, remaining: Double? = nil,
                remainingBusinessDays: Int? = nil, lastDue: Date? = nil,
                suspensions: [Suspension] = [], warned: Bool = false, endedAt: Date? = nil, endedBy: String? = nil) {
        self.name = name
        self.status = status
        self.startedAt = startedAt
        self.countsFrom = countsFrom
        self.dueAt = dueAt
        self.remaining = remaining
        self.remainingBusinessDays = remainingBusinessDays
        self.lastDue = lastDue
        self.suspensions = suspensions
        self.warned = warned
        self.endedAt = endedAt
        self.endedBy = endedBy
    }

    public var isLive: Bool { status == .running || status == .suspended }
}

extension ClockRun {
    /// As stored in `cases.clocks` (and given by the API's case read, with the explanation).
    public var json: JSONValue {
        func time(_ date: Date?) -> JSONValue {
            guard let date else { return .null }
            return .string(RFC3339.format(date, in: TimeZone(identifier: "UTC")!))
        }
        let stops: [JSONValue] = suspensions.map { suspension in
            var object: [String: JSONValue] = ["from": time(suspension.from), "to": time(suspension.to), "state": .string(suspension.state)]
            object["track"] = suspension.track.map(JSONValue.string) ?? .null
            object["resumed_by"] = suspension.resumedBy.map(JSONValue.string) ?? .null
            return .object(object)
        }
        var object: [String: JSONValue] = ["name": .string(name), "status": .string(status.rawValue)]
        object["started_at"] = time(startedAt)
        object["counts_from"] = time(countsFrom)
        object["due_at"] = time(dueAt)
        object["remaining_seconds"] = remaining.map { .number(JSONNumber(Int($0.rounded()))) } ?? .null
        object["remaining_business_days"] = remainingBusinessDays.map { .number(JSONNumber($0)) } ?? .null
        object["due_before_suspension"] = time(lastDue)
        object["suspensions"] = .array(stops)
        object["warned"] = .bool(warned)
        object["ended_at"] = time(endedAt)
        object["ended_by"] = endedBy.map(JSONValue.string) ?? .null
        return .object(object)
    }

    /// A stored clock, or nil when the JSON is not one.
    public init?(json: JSONValue) {
        func time(_ key: String) -> Date? { json.value(at: key)?.stringValue.flatMap(RFC3339.parse) }
        guard let name = json.value(at: "name")?.stringValue,
              let status = json.value(at: "status")?.stringValue.flatMap(Status.init(rawValue:)),
              let started = time("started_at"), let counts = time("counts_from") else { return nil }
        let suspensions = (json.value(at: "suspensions")?.arrayValue ?? []).compactMap { item -> Suspension? in
            guard let from = item.value(at: "from")?.stringValue.flatMap(RFC3339.parse), let state = item.value(at: "state")?.stringValue else { return nil }
            return Suspension(from: from, to: item.value(at: "to")?.stringValue.flatMap(RFC3339.parse), state: state,
                              track: item.value(at: "track")?.stringValue, resumedBy: item.value(at: "resumed_by")?.stringValue)
        }
        self.init(name: name, status: status, startedAt: started, countsFrom: counts, dueAt: time("due_at"),
                  remaining: json.value(at: "remaining_seconds")?.numberValue?.int.map(Double.init),
                  remainingBusinessDays: json.value(at: "remaining_business_days")?.numberValue?.int, lastDue: time("due_before_suspension"),
                  suspensions: suspensions, warned: json.value(at: "warned")?.boolValue ?? false,
                  endedAt: time("ended_at"), endedBy: json.value(at: "ended_by")?.stringValue)
    }
}
