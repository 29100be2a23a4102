import Foundation
import PostgresNIO

/// The `Idempotency-Key`s of the API, per caller: a key is reserved in the database before
/// its request is processed (so two concurrent duplicates are told apart by the primary
/// key, not by one process's memory), then completed with the answer to replay, or
/// released when the answer is a server error (the client may try again).
public struct IdempotencyKeyStore: Sendable {
    /// How long a key and its answer are kept; older keys are purged on the way and may be used anew.
    public static let retention: Duration = .seconds(24 * 3600)
    /// How long a reservation holds without an answer: longer than a request may take (the
    /// routes' deadline), so that a crashed server does not hold the key for ever.
    public static let lease: Duration = .seconds(60)

    /// What a key was first used for.
    public struct Fingerprint: Sendable, Equatable {
        public let method: String
        public let path: String
        public let bodySHA256: String

        public init(method: String, path: String, body: [UInt8]) {
            self.method = method
            self.path = path
            bodySHA256 = SHA256Digest.hex(body)
        }

        init(method: String, path: String, bodySHA256: String) {
            self.method = method
            self.path = path
            self.bodySHA256 = bodySHA256
        }
    }

    /// A stored answer: the status, the headers that matter, the body's bytes.
    public struct Answer: Sendable, Equatable {
        public let status: Int
        public let headers: [String: String]
        public let body: [UInt8]

        public init(status: Int, headers: [String: String], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public enum Reservation: Sendable, Equatable {
        /// The key is this request's: process it, then `complete` or `release` with this id.
        case reserved(UUID)
        /// The key is taken: by `fingerprint`, answered (`answer`) or still in progress (nil).
        case taken(Fingerprint, Answer?)
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// Reserves `key` for `agent`'s request, or says who has it. Keys past `retention` are
    /// purged first; a reservation whose lease lapsed is taken over.
    public func reserve(agent: String, key: String, fingerprint: Fingerprint) async throws -> Reservation {
        let retention = Int(Self.retention.components.seconds)
        let lease = Int(Self.lease.components.seconds)
        do {
            try await database.client.query("""
                DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => \(retention))
                """, logger: database.logger)
            // A row deleted (released) between the insert and the read is reserved on the next turn.
            for _ in 0..<3 {
                let reservation = UUID()
                let inserted = try await database.client.query("""
                    INSERT INTO idempotency_keys (agent_id, key, method, path, body_sha256, reservation, reserved_until)
                    VALUES (\(agent), \(key), \(fingerprint.method), \(fingerprint.path), \(fingerprint.bodySHA256),
                            \(reservation), now() + make_interval(secs => \(lease)))
                    ON CONFLICT (agent_id, key) DO UPDATE
                        SET method = EXCLUDED.method, path = EXCLUDED.path, body_sha256 = EXCLUDED.body_sha256,
                            reservation = EXCLUDED.reservation, reserved_until = EXCLUDED.reserved_until,
                            status = NULL, headers = NULL, body = NULL, created_at = now()
                        WHERE idempotency_keys.reserved_until < now()
                           OR idempotency_keys.created_at < now() - make_interval(secs => \(retention))
                    RETURNING reservation
                    """, logger: database.logger)
                for try await id in inserted.decode(UUID.self) { return .reserved(id) }
                let rows = try await database.client.query("""
                    SELECT method, path, body_sha256, status, headers::text, body
                    FROM idempotency_keys WHERE agent_id = \(agent) AND key = \(key)
                    """, logger: database.logger)
                for try await (method, path, sha256, status, headers, body)
                    in rows.decode((String, String, String, Int?, String?, ByteBuffer?).self) {
                    let taken = Fingerprint(method: method, path: path, bodySHA256: sha256)
                    guard let status, let headers, let body else { return .taken(taken, nil) }
                    return .taken(taken, Answer(status: status, headers: try Self.headers(from: headers),
                                                body: Array(body.readableBytesView)))
                }
            }
            throw StoreError(.conflict, "the Idempotency-Key changed hands too often; try again")
        } catch let error as StoreError {
            throw error
        } catch {
            throw Database.storeError(error)
        }
    }

    /// Stores the answer of a reservation this request still holds.
    public func complete(agent: String, key: String, reservation: UUID, answer: Answer) async throws {
        let headers = String(decoding: try JSONSerialization.data(withJSONObject: answer.headers, options: [.sortedKeys]), as: UTF8.self)
        do {
            try await database.client.query("""
                UPDATE idempotency_keys
                SET status = \(answer.status), headers = \(headers)::jsonb, body = \(ByteBuffer(bytes: answer.body)), reserved_until = NULL
                WHERE agent_id = \(agent) AND key = \(key) AND reservation = \(reservation)
                """, logger: database.logger)
        } catch {
            throw Database.storeError(error)
        }
    }

    /// Gives a reservation up (the answer was a server error): the same request may be sent again.
    public func release(agent: String, key: String, reservation: UUID) async throws {
        do {
            try await database.client.query("""
                DELETE FROM idempotency_keys WHERE agent_id = \(agent) AND key = \(key) AND reservation = \(reservation)
                """, logger: database.logger)
        } catch {
            throw Database.storeError(error)
        }
    }

    static func headers(from json: String) throws -> [String: String] {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String] else {
            throw StoreError(.conflict, "an Idempotency-Key's stored headers are not an object of strings")
        }
        return object
    }
}
