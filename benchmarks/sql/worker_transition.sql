-- The worker's own writes in pure SQL, the limit the worker is measured against: one
-- pgbench transaction is one batch of due timers of bench-chaine's cases (claimed with
-- FOR UPDATE SKIP LOCKED), each moved to its next state with the rows the worker writes:
-- the case's row and its jsonb data, two history lines (the timer, the entry), the timer
-- deleted and the next one created, the outbox event, and the owner rule checked by the
-- schema's own triggers at commit. Cases loop from e5 back to e1: the run never runs out.
-- What it leaves out that the engine must do: reading the cases, their tasks and timers,
-- deciding by the workflow's rules, building the rows, and the lease kept while it works.
\set batch 100
BEGIN;
WITH due AS (
    SELECT id, case_id, state FROM timers
    WHERE due_at <= now() AND (locked_until IS NULL OR locked_until < now())
    ORDER BY due_at LIMIT :batch FOR UPDATE SKIP LOCKED
), gone AS (
    DELETE FROM timers t USING due WHERE t.id = due.id RETURNING t.id, t.case_id, t.state
), moved AS (
    UPDATE cases c
    SET state = CASE g.state WHEN 'e1' THEN 'e2' WHEN 'e2' THEN 'e3' WHEN 'e3' THEN 'e4' WHEN 'e4' THEN 'e5' ELSE 'e1' END,
        data = jsonb_set(c.data, '{sql_limit}', to_jsonb(c.version + 1)), version = c.version + 1,
        waiting_on = 'usager', whose_move = '{usager}', entered_state_at = now(), last_event_at = now()
    FROM gone g WHERE c.id = g.case_id
    RETURNING c.id, c.version, c.state, g.state AS previous, g.id AS timer, c.workflow_id, c.workflow_version, c.data
), history AS (
    INSERT INTO case_history (case_id, case_version, at, event, actor, from_state, to_state, name, context, waiting_on, whose_move)
    SELECT id, version, now(), 'timer', 'engine', previous, NULL, 'after', jsonb_build_object('timer', timer), 'usager', '{usager}'::text[] FROM moved
    UNION ALL
    SELECT id, version, now(), 'entered', 'engine', previous, state, NULL, NULL, 'usager', '{usager}'::text[] FROM moved
), events AS (
    INSERT INTO case_events (id, case_id, case_version, type, at, workflow_id, workflow_version, payload)
    SELECT gen_random_uuid(), id, version, 'parcours.case.changed', now(), workflow_id, workflow_version,
           jsonb_build_object('status', 'open', 'state', state, 'tracks', '[]'::jsonb, 'whose_move', '["usager"]'::jsonb, 'data', data)
    FROM moved
)
INSERT INTO timers (id, case_id, kind, state, after_index, due_at)
SELECT gen_random_uuid(), id, 'after', state, 0, now() FROM moved;
COMMIT;
