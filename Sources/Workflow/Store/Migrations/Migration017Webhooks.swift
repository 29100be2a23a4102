/// Webhook endpoints (language brief, "Webhooks"): each agency's systems receive the outbox's
/// envelopes, pushed by the workers. An endpoint is its own delivery position: `after_xact`
/// and `after_seq` name the last outbox event it is done with (delivered, or not for it),
/// so delivery is in outbox order, hence in order per case, and resumes where it stopped.
/// A worker delivers under a lease (`leased_by`, `lease_until`), as it holds timers.
///
/// The signing secret must be readable to sign, so it cannot be hashed: it is sealed with
/// AES-GCM under the deployment's secrets key, a file kept outside the database (see
/// `SecretsKey`); a dump of the database alone does not give the secrets away.
enum Migration017Webhooks {
    static let migration = Migration(version: 17, name: "webhooks", statements: [
        #"""
        CREATE TABLE webhook_endpoints (
            id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            agency          text        NOT NULL,
            roles           text[]      NOT NULL DEFAULT '{}',
            url             text        NOT NULL CHECK (url ~ '^https?://'),
            types           text[],
            secret          bytea       NOT NULL,
            -- After a rotation, the previous secret signs too until previous_until.
            previous_secret bytea,
            previous_until  timestamptz,
            enabled         boolean     NOT NULL DEFAULT true,
            disabled_at     timestamptz,
            disabled_reason text,
            after_xact      xid8        NOT NULL,
            after_seq       bigint      NOT NULL,
            delivered       bigint      NOT NULL DEFAULT 0,
            last_delivered_at timestamptz,
            -- The failures of the event at the head, since it first failed.
            failing_since   timestamptz,
            attempts        integer     NOT NULL DEFAULT 0,
            last_error      text,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            leased_by       text,
            lease_until     timestamptz,
            created_by      text        NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now()
        )
        """#,
        #"""
        CREATE INDEX webhook_endpoints_due ON webhook_endpoints (next_attempt_at) WHERE enabled
        """#,
    ])
}
