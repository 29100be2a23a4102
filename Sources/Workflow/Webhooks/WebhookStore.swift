import Foundation
import PostgresNIO

/// The `webhook_endpoints` table (migration 17): what operators register, and the delivery
/// position each worker moves under its lease. A worker's update names the worker and
/// applies only while it still holds the lease and the endpoint is enabled, so a worker
/// that lost its lease (killed, paused past it) or an endpoint disabled meanwhile stops it.
public struct WebhookStore: Sendable {
    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// An endpoint as a worker holds it: where, for whom, with its sealed secrets.
    public struct Claimed: Sendable {
        public var id: Int64
        public var agency: String
        public var roles: [String]
        public var url: String
        public var types: [String]?
        /// Base64 of the sealed secrets: the current one, then the previous one while in grace.
        public var sealedSecrets: [String]
        public var after: EventStore.Cursor
        public var attempts: Int
    }

    /// Registers an endpoint. It receives the events of transactions that had not ended when
    /// it was added, and every later one (older events are in the feed).
    public func add(agency: String, roles: [String], url: String, types: [String]?, sealedSecret: [UInt8], by: String) async throws -> Int64 {
        let sealed = Data(sealedSecret).base64EncodedString()
        let rows = try await database.client.query("""
            INSERT INTO webhook_endpoints (agency, roles, url, types, secret, after_xact, after_seq, created_by)
            VALUES (\(agency), \(roles), \(url), \(types), decode(\(sealed), 'base64'),
                    ((pg_snapshot_xmin(pg_current_snapshot())::text)::bigint - 1)::text::xid8, \(Int64.max), \(by))
            RETURNING id
            """, logger: database.logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw StoreError(.unavailable, "the endpoint was not recorded")
    }

    public func list() async throws -> [WebhookEndpoint] {
        let rows = try await database.client.query("""
            SELECT w.id, w.agency, w.roles, w.url, w.types, w.enabled, w.disabled_at, w.disabled_reason, w.delivered,
                   w.last_delivered_at, w.failing_since, w.attempts, w.last_error, w.next_attempt_at,
                   CASE WHEN w.previous_until > now() THEN w.previous_until END, w.created_by, w.created_at,
                   (SELECT count(*) FROM case_events e WHERE (e.xact, e.seq) > (w.after_xact, w.after_seq))
            FROM webhook_endpoints w ORDER BY w.id
            """, logger: database.logger)
        var result: [WebhookEndpoint] = []
        for try await row in rows {
            let (id, agency, roles, url, types, enabled, disabledAt, disabledReason, delivered) =
                try row.decode((Int64, String, [String], String, [String]?, Bool, Date?, String?, Int64).self)
            let (_, _, _, _, _, _, _, _, _, lastDelivered, failingSince, attempts, lastError, nextAttempt, previousUntil, createdBy, createdAt, pending) =
                try row.decode((Int64, String, [String], String, [String]?, Bool, Date?, String?, Int64,
                                Date?, Date?, Int, String?, Date, Date?, String, Date, Int64).self)
            result.append(WebhookEndpoint(id: id, agency: agency, roles: roles, url: url, types: types, enabled: enabled,
                                          disabledAt: disabledAt, disabledReason: disabledReason, delivered: delivered,
                                          lastDeliveredAt: lastDelivered, failingSince: failingSince, attempts: attempts,
                                          lastError: lastError, nextAttemptAt: nextAttempt, previousSecretUntil: previousUntil,
                                          createdBy: createdBy, createdAt: createdAt, pending: pending))
        }
        return result
    }

    public func counts() async throws -> WebhookCounts {
        let rows = try await database.client.query("""
            SELECT count(*) FILTER (WHERE enabled AND failing_since IS NULL), count(*) FILTER (WHERE enabled AND failing_since IS NOT NULL),
                   count(*) FILTER (WHERE NOT enabled)
            FROM webhook_endpoints
            """, logger: database.logger)
        for try await (enabled, failing, disabled) in rows.decode((Int, Int, Int).self) {
            return WebhookCounts(enabled: enabled, failing: failing, disabled: disabled)
        }
        return WebhookCounts(enabled: 0, failing: 0, disabled: 0)
    }

    /// Stops deliveries to the endpoint (an operator, or the end of its retry window).
    /// Returns false when there is no such endpoint.
    public func disable(_ id: Int64, reason: String) async throws -> Bool {
        try await returnsRow("""
            UPDATE webhook_endpoints SET enabled = false, disabled_at = now(), disabled_reason = \(reason),
                                         leased_by = NULL, lease_until = NULL
            WHERE id = \(id) RETURNING id
            """)
    }

    /// Delivers again, from the first event it has not acknowledged.
    public func enable(_ id: Int64) async throws -> Bool {
        try await returnsRow("""
            UPDATE webhook_endpoints SET enabled = true, disabled_at = NULL, disabled_reason = NULL, failing_since = NULL,
                                         attempts = 0, last_error = NULL, next_attempt_at = now()
            WHERE id = \(id) RETURNING id
            """)
    }

    /// A new secret; the current one keeps signing beside it for `grace`.
    public func rotate(_ id: Int64, sealedSecret: [UInt8], grace: Duration) async throws -> Bool {
        let sealed = Data(sealedSecret).base64EncodedString()
        return try await returnsRow("""
            UPDATE webhook_endpoints SET previous_secret = secret, previous_until = now() + make_interval(secs => \(grace.seconds)),
                                         secret = decode(\(sealed), 'base64')
            WHERE id = \(id) RETURNING id
            """)
    }

    // MARK: Delivery, by the workers

    /// Takes up to `limit` enabled endpoints whose next attempt is due and that nobody holds.
    func claim(worker: String, lease: Duration, limit: Int) async throws -> [Claimed] {
        let rows = try await database.client.query("""
            UPDATE webhook_endpoints w SET leased_by = \(worker), lease_until = now() + make_interval(secs => \(lease.seconds))
            FROM (SELECT id FROM webhook_endpoints
                  WHERE enabled AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                  ORDER BY next_attempt_at LIMIT \(limit) FOR UPDATE SKIP LOCKED) due
            WHERE w.id = due.id
            RETURNING w.id, w.agency, w.roles, w.url, w.types, encode(w.secret, 'base64'),
                      CASE WHEN w.previous_until > now() THEN encode(w.previous_secret, 'base64') END,
                      w.after_xact::text, w.after_seq, w.attempts
            """, logger: database.logger)
        var claimed: [Claimed] = []
        for try await (id, agency, roles, url, types, secret, previous, xact, seq, attempts)
            in rows.decode((Int64, String, [String], String, [String]?, String, String?, String, Int64, Int).self) {
            guard let xact = UInt64(xact) else { throw StoreError(.unavailable, "an endpoint's position is not a number: \(xact)") }
            claimed.append(Claimed(id: id, agency: agency, roles: roles, url: url, types: types,
                                   sealedSecrets: [secret] + (previous.map { [$0] } ?? []),
                                   after: EventStore.Cursor(xact: xact, seq: seq), attempts: attempts))
        }
        return claimed
    }

    /// The endpoint is done with everything up to `cursor` (`delivered` of them reached it);
    /// the lease is extended. False when the worker no longer holds it.
    func advance(_ id: Int64, worker: String, to cursor: EventStore.Cursor, delivered: Int, lease: Duration) async throws -> Bool {
        try await returnsRow("""
            UPDATE webhook_endpoints SET after_xact = \(String(cursor.xact))::xid8, after_seq = \(cursor.seq),
                   delivered = delivered + \(delivered),
                   last_delivered_at = CASE WHEN \(delivered) > 0 THEN now() ELSE last_delivered_at END,
                   failing_since = NULL, attempts = 0, last_error = NULL,
                   lease_until = now() + make_interval(secs => \(lease.seconds))
            WHERE id = \(id) AND leased_by = \(worker) AND enabled RETURNING id
            """)
    }

    /// The event after `cursor` failed: try again after `delay`, or disable the endpoint when
    /// it has failed for longer than `window`. Returns whether it is now disabled (nil when
    /// the worker no longer held it).
    func failed(_ id: Int64, worker: String, skippedTo cursor: EventStore.Cursor?, error: String, delay: Duration,
                window: Duration) async throws -> Bool? {
        let rows = try await database.client.query("""
            UPDATE webhook_endpoints SET
                   after_xact = coalesce(\(cursor.map { String($0.xact) })::xid8, after_xact),
                   after_seq = coalesce(\(cursor?.seq), after_seq),
                   failing_since = coalesce(failing_since, now()), attempts = attempts + 1, last_error = \(error),
                   next_attempt_at = now() + make_interval(secs => \(delay.seconds)),
                   enabled = now() - coalesce(failing_since, now()) < make_interval(secs => \(window.seconds)),
                   disabled_at = CASE WHEN now() - coalesce(failing_since, now()) < make_interval(secs => \(window.seconds))
                                      THEN NULL ELSE now() END,
                   disabled_reason = CASE WHEN now() - coalesce(failing_since, now()) < make_interval(secs => \(window.seconds))
                                          THEN NULL
                                          ELSE 'failing since ' || to_char(coalesce(failing_since, now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                               || ' after ' || (attempts + 1) || ' attempts; last: ' || \(error) END,
                   leased_by = NULL, lease_until = NULL
            WHERE id = \(id) AND leased_by = \(worker) AND enabled
            RETURNING NOT enabled
            """, logger: database.logger)
        for try await disabled in rows.decode(Bool.self) { return disabled }
        return nil
    }

    /// Gives an endpoint back once the worker has delivered what there was; it goes to the
    /// back of the line (claims take the longest due first), so every endpoint gets its turn.
    func release(_ id: Int64, worker: String) async throws {
        try await database.client.query("""
            UPDATE webhook_endpoints SET leased_by = NULL, lease_until = NULL, next_attempt_at = now()
            WHERE id = \(id) AND leased_by = \(worker)
            """, logger: database.logger)
    }

    /// Everything a stopping worker still holds goes back at once.
    func release(worker: String) async throws {
        try await database.client.query("""
            UPDATE webhook_endpoints SET leased_by = NULL, lease_until = NULL WHERE leased_by = \(worker)
            """, logger: database.logger)
    }

    private func returnsRow(_ query: PostgresQuery) async throws -> Bool {
        let rows = try await database.client.query(query, logger: database.logger)
        for try await _ in rows { return true }
        return false
    }
}
