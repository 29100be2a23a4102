import Foundation

/// A registered receiver of an agency's events, as operators and supervisors see it (never
/// its secret).
public struct WebhookEndpoint: Sendable, Hashable {
    public var id: Int64
    public var agency: String
    /// Roles of the agency whose fields the endpoint also receives (`visible_to: [role:…]`).
    public var roles: [String]
    public var url: String
    /// The event types it receives; nil for all.
    public var types: [String]?
    public var enabled: Bool
    public var disabledAt: Date?
    public var disabledReason: String?
    public var delivered: Int64
    public var lastDeliveredAt: Date?
    /// Since when the event at the head of its queue fails, while it does.
    public var failingSince: Date?
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Date
    /// Until when the secret before the last rotation still signs.
    public var previousSecretUntil: Date?
    public var createdBy: String
    public var createdAt: Date
    /// Outbox events after its position, of any type or workflow (an upper bound of what it
    /// still has to receive).
    public var pending: Int64

    public var status: String {
        if !enabled { return "disabled" }
        return failingSince == nil ? "enabled" : "failing"
    }

    public var json: JSONValue {
        func date(_ value: Date?) -> JSONValue { value.map { .string(RFC3339.format($0, in: TimeZone(identifier: "UTC")!)) } ?? .null }
        return .object([
            "id": .number(JSONNumber(Int(id))), "agency": .string(agency), "roles": .array(roles.map(JSONValue.string)),
            "url": .string(url), "types": types.map { .array($0.map(JSONValue.string)) } ?? .null,
            "status": .string(status), "disabled_at": date(disabledAt), "disabled_reason": disabledReason.map(JSONValue.string) ?? .null,
            "delivered": .number(JSONNumber(Int(delivered))), "last_delivered_at": date(lastDeliveredAt),
            "failing_since": date(failingSince), "attempts": .number(JSONNumber(attempts)),
            "last_error": lastError.map(JSONValue.string) ?? .null, "next_attempt_at": date(nextAttemptAt),
            "previous_secret_until": date(previousSecretUntil), "created_by": .string(createdBy), "created_at": date(createdAt),
            "pending": .number(JSONNumber(Int(pending))),
        ])
    }
}

/// How many endpoints are in each condition (health, metrics).
public struct WebhookCounts: Sendable, Hashable {
    public var enabled: Int
    public var failing: Int
    public var disabled: Int
}
