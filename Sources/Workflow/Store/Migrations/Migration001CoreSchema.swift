/// The first schema: published workflows, cases, their append-only history, tasks and timers,
/// and the owner invariant enforced by the database itself at commit.
enum Migration001CoreSchema {
    static let migration = Migration(version: 1, name: "core schema", statements: [
        #"""
        -- Rows that the application must never change once written: published workflow
        -- versions and the history of cases. A trigger makes the promise hold for every client.
        CREATE FUNCTION parcours_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END $$
        """#,
        #"""
        -- One row per published version of a workflow: the YAML as published and its hash.
        CREATE TABLE workflow_versions (
            workflow_id   text        NOT NULL CHECK (workflow_id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
            version       integer     NOT NULL CHECK (version > 0),
            title         text,
            source        text        NOT NULL,
            source_sha256 text        NOT NULL CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),
            published_by  text        NOT NULL,
            published_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (workflow_id, version)
        )
        """#,
        #"""
        CREATE TRIGGER workflow_versions_immutable BEFORE UPDATE OR DELETE ON workflow_versions
            FOR EACH ROW EXECUTE FUNCTION parcours_forbid_change()
        """#,
        #"""
        CREATE TRIGGER workflow_versions_not_truncated BEFORE TRUNCATE ON workflow_versions
            FOR EACH STATEMENT EXECUTE FUNCTION parcours_forbid_change()
        """#,
        #"""
        -- A case stays on the workflow version it started with (the foreign key pins it).
        CREATE TABLE cases (
            id               uuid        PRIMARY KEY,
            workflow_id      text        NOT NULL,
            workflow_version integer     NOT NULL,
            data             jsonb       NOT NULL CHECK (jsonb_typeof(data) = 'object'),
            status           text        NOT NULL CHECK (status IN ('open', 'closed')),
            outcome          text,
            state            text        NOT NULL,
            -- The tracks of the current parallel state: [{track, state, finished, waiting_on, entered_state_at}].
            tracks           jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tracks) = 'array'),
            -- Whose move it is: 'usager', an agency id, or 'engine'.
            waiting_on       text        NOT NULL,
            escalated        boolean     NOT NULL DEFAULT false,
            -- Optimistic concurrency: every change increments it; a stale write is refused.
            version          integer     NOT NULL CHECK (version > 0),
            citizen_ref      text,
            created_at       timestamptz NOT NULL,
            entered_state_at timestamptz NOT NULL,
            last_event_at    timestamptz NOT NULL,
            closed_at        timestamptz,
            FOREIGN KEY (workflow_id, workflow_version) REFERENCES workflow_versions (workflow_id, version),
            CHECK ((status = 'closed') = (outcome IS NOT NULL)),
            CHECK ((status = 'closed') = (closed_at IS NOT NULL))
        )
        """#,
        #"""
        -- Supervision: open cases by workflow and state, oldest first; and by age across workflows.
        CREATE INDEX cases_open_by_state ON cases (workflow_id, state, entered_state_at) WHERE status = 'open'
        """#,
        #"""
        CREATE INDEX cases_open_by_age ON cases (entered_state_at) WHERE status = 'open'
        """#,
        #"""
        CREATE INDEX cases_open_escalated ON cases (last_event_at) WHERE status = 'open' AND escalated
        """#,
        #"""
        CREATE INDEX cases_by_citizen ON cases (citizen_ref) WHERE citizen_ref IS NOT NULL
        """#,
        #"""
        -- Append-only: what happened, who did it, and whose move it was, so that time is
        -- attributed to the party that held the case.
        CREATE TABLE case_history (
            id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            case_id      uuid        NOT NULL REFERENCES cases (id),
            case_version integer     NOT NULL,
            at           timestamptz NOT NULL,
            event        text        NOT NULL,
            actor        text        NOT NULL,
            from_state   text,
            to_state     text,
            track        text,
            name         text,
            data_diff    jsonb,
            reason       text,
            context      jsonb,
            note         text,
            waiting_on   text        NOT NULL
        )
        """#,
        #"""
        CREATE INDEX case_history_by_case ON case_history (case_id, id)
        """#,
        #"""
        CREATE TRIGGER case_history_append_only BEFORE UPDATE OR DELETE ON case_history
            FOR EACH ROW EXECUTE FUNCTION parcours_forbid_change()
        """#,
        #"""
        CREATE TRIGGER case_history_not_truncated BEFORE TRUNCATE ON case_history
            FOR EACH STATEMENT EXECUTE FUNCTION parcours_forbid_change()
        """#,
        #"""
        -- Human work: the ordinary task of a human state, or an escalation with its reason.
        CREATE TABLE tasks (
            id         uuid        PRIMARY KEY,
            case_id    uuid        NOT NULL REFERENCES cases (id),
            queue      text        NOT NULL,
            state      text        NOT NULL,
            track      text,
            kind       text        NOT NULL CHECK (kind IN ('work', 'escalation')),
            reason     text,
            context    jsonb,
            assignee   text,
            sla_due_at timestamptz,
            opened_at  timestamptz NOT NULL,
            closed_at  timestamptz,
            resolution text,
            CHECK ((kind = 'escalation') = (reason IS NOT NULL)),
            CHECK ((closed_at IS NULL) = (resolution IS NULL))
        )
        """#,
        #"""
        -- Inboxes: the open tasks of a queue, the most urgent first.
        CREATE INDEX tasks_open_by_queue ON tasks (queue, sla_due_at NULLS LAST, opened_at) WHERE closed_at IS NULL
        """#,
        #"""
        CREATE INDEX tasks_open_by_case ON tasks (case_id) WHERE closed_at IS NULL
        """#,
        #"""
        CREATE INDEX tasks_open_by_assignee ON tasks (assignee) WHERE closed_at IS NULL AND assignee IS NOT NULL
        """#,
        #"""
        -- Pending timers only: a timer that fires or is cancelled is deleted in the same
        -- transaction as the case change it causes (the history keeps the trace).
        CREATE TABLE timers (
            id           uuid        PRIMARY KEY,
            case_id      uuid        NOT NULL REFERENCES cases (id),
            kind         text        NOT NULL CHECK (kind IN ('after', 'sla', 'stall', 'queue-sla', 'escalation-sla', 'step')),
            state        text        NOT NULL,
            track        text,
            after_index  integer     CHECK ((kind = 'after') = (after_index IS NOT NULL)),
            task_id      uuid        REFERENCES tasks (id),
            attempt      integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
            due_at       timestamptz NOT NULL,
            -- The worker's lease: who holds the timer and until when (expired leases are free).
            locked_by    text,
            locked_until timestamptz,
            CHECK ((kind IN ('queue-sla', 'escalation-sla')) = (task_id IS NOT NULL))
        )
        """#,
        #"""
        -- The worker's claim: due timers in due order.
        CREATE INDEX timers_due ON timers (due_at)
        """#,
        #"""
        CREATE INDEX timers_by_case ON timers (case_id)
        """#,
        #"""
        -- The invariant: every open case has an owner (an open task or a pending timer) when a
        -- transaction commits. Deferred, so that a change may close and open within one transaction.
        CREATE FUNCTION parcours_check_owner() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            checked uuid;
        BEGIN
            IF TG_TABLE_NAME = 'cases' THEN
                checked := NEW.id;
            ELSE
                checked := OLD.case_id;
            END IF;
            IF EXISTS (SELECT 1 FROM cases c WHERE c.id = checked AND c.status = 'open')
               AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = checked AND t.closed_at IS NULL)
               AND NOT EXISTS (SELECT 1 FROM timers m WHERE m.case_id = checked) THEN
                RAISE EXCEPTION 'case % would be left without an owner (no open task, no pending timer)', checked
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END $$
        """#,
        #"""
        CREATE CONSTRAINT TRIGGER cases_have_owner AFTER INSERT OR UPDATE ON cases
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION parcours_check_owner()
        """#,
        #"""
        CREATE CONSTRAINT TRIGGER tasks_keep_owner AFTER UPDATE OR DELETE ON tasks
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION parcours_check_owner()
        """#,
        #"""
        CREATE CONSTRAINT TRIGGER timers_keep_owner AFTER DELETE ON timers
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION parcours_check_owner()
        """#,
    ])
}
