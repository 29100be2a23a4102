/// The worker's schema: the workers that are running (for health and supervision), and the
/// notification that wakes them when a timer becomes due soon.
enum Migration002Worker {
    static let migration = Migration(version: 2, name: "worker", statements: [
        #"""
        -- One row per worker process: it beats every few seconds while it runs, so supervision
        -- can tell a live worker from a dead one by the age of its last heartbeat.
        CREATE TABLE workers (
            id           text        PRIMARY KEY,
            host         text        NOT NULL,
            pid          integer     NOT NULL,
            settings     jsonb       NOT NULL DEFAULT '{}',
            started_at   timestamptz NOT NULL,
            heartbeat_at timestamptz NOT NULL,
            stopped_at   timestamptz,
            CHECK (heartbeat_at >= started_at)
        )
        """#,
        #"""
        -- The timers held under a lease (a few batches at a time): when the next lease ends.
        CREATE INDEX timers_leased ON timers (locked_until) WHERE locked_until IS NOT NULL
        """#,
        #"""
        -- Wakes the workers (LISTEN parcours_due) when timers become due within a minute and
        -- nobody holds them: created by an API call, or released by a worker. Claims set
        -- locked_by and so never notify. The payload is empty: workers look for themselves.
        CREATE FUNCTION parcours_notify_due() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM changed_timers
                       WHERE locked_by IS NULL AND due_at <= now() + interval '1 minute') THEN
                PERFORM pg_notify('parcours_due', '');
            END IF;
            RETURN NULL;
        END $$
        """#,
        #"""
        CREATE TRIGGER timers_notify_due_insert AFTER INSERT ON timers
            REFERENCING NEW TABLE AS changed_timers
            FOR EACH STATEMENT EXECUTE FUNCTION parcours_notify_due()
        """#,
        #"""
        CREATE TRIGGER timers_notify_due_update AFTER UPDATE ON timers
            REFERENCING NEW TABLE AS changed_timers
            FOR EACH STATEMENT EXECUTE FUNCTION parcours_notify_due()
        """#,
    ])
}
