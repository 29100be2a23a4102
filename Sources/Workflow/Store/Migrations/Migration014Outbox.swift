/// The outbox (language brief, "Events to and from other systems"): the events of every
/// change, written by the same statement as the change (`CaseWriter`), so that an event
/// leaves with the change that caused it or not at all. `case_version` orders a case's
/// own. A reader pages on (`xact`, `seq`) and reads only events of transactions older than
/// any still running: `seq` alone is handed out at insert, not at commit, and a reader
/// paging on it would step over an event committed after a later one. Each row keeps the case as the change left it; who
/// may read which of its fields is decided when it is read (the feed, a delivery).
enum Migration014Outbox {
    static let migration = Migration(version: 14, name: "outbox", statements: [
        #"""
        CREATE TABLE case_events (
            seq              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id               uuid        NOT NULL UNIQUE,
            case_id          uuid        NOT NULL REFERENCES cases (id),
            case_version     integer     NOT NULL,
            type             text        NOT NULL CHECK (type ~ '^parcours\.[a-z]+\.[a-z]+$'),
            at               timestamptz NOT NULL,
            workflow_id      text        NOT NULL,
            workflow_version integer     NOT NULL,
            -- The case after the change: status, outcome, state, tracks, whose_move, data,
            -- and for an escalation its reason, queue and step.
            payload          jsonb       NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
            -- The writing transaction: the feed's order and cursor, with seq.
            xact             xid8        NOT NULL DEFAULT pg_current_xact_id()
        )
        """#,
        #"""
        CREATE INDEX case_events_by_case ON case_events (case_id, seq)
        """#,
        #"""
        CREATE INDEX case_events_by_xact ON case_events (xact, seq)
        """#,
        #"""
        CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
            FOR EACH ROW EXECUTE FUNCTION parcours_forbid_change()
        """#,
    ])
}
