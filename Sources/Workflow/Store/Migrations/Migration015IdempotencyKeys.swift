/// The `Idempotency-Key`s of the API's POSTs: another administration's system retries a
/// POST after a timeout, and the retry must be answered, not applied again. A key belongs
/// to its caller (two callers may use the same key). The row is reserved before the
/// request is processed (the primary key detects a concurrent duplicate) and completed
/// with the answer to replay. (Version 14 is another change's; versions need not be contiguous.)
enum Migration015IdempotencyKeys {
    static let migration = Migration(version: 15, name: "idempotency keys", statements: [
        #"""
        CREATE TABLE idempotency_keys (
            agent_id       text        NOT NULL,
            key            text        NOT NULL CONSTRAINT idempotency_keys_key_format CHECK (key ~ '^[\x20-\x7e]{1,255}$'),
            -- What the key was first used for: method, path and the SHA-256 of the body.
            method         text        NOT NULL,
            path           text        NOT NULL,
            body_sha256    text        NOT NULL CONSTRAINT idempotency_keys_body_format CHECK (body_sha256 ~ '^[0-9a-f]{64}$'),
            -- Who holds the reservation: a request completes or releases only its own.
            reservation    uuid        NOT NULL,
            -- While in progress, the reservation lapses at this time (a crashed server must
            -- not hold the key for ever); NULL once the answer is stored.
            reserved_until timestamptz,
            status         integer     CONSTRAINT idempotency_keys_status_range CHECK (status BETWEEN 100 AND 499),
            headers        jsonb,
            body           bytea,
            created_at     timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (agent_id, key),
            CONSTRAINT idempotency_keys_in_progress_or_answered
                CHECK ((status IS NULL) = (reserved_until IS NOT NULL) AND (status IS NULL) = (body IS NULL))
        )
        """#,
        #"""
        CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at)
        """#,
    ])
}
