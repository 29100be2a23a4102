-- The supervision benchmark's data, generated in SQL rather than through the API: :cases
-- cases of bench-guichet (70 % open, each with its open task and its queue-SLA timer; 2 %
-- of the open ones escalated, and escalations resolved on some closed ones), and :per_case
-- history rows per case, a few of them overrides. Case n has id md5('c' || n), so the
-- reference lookup can draw ids at random. The tables are the ordinary logged ones, with
-- every index of the migrations: the secondary indexes are dropped for the load and made
-- again after it (a sorted build instead of random inserts), from their own definitions.
\set ON_ERROR_STOP on
SET maintenance_work_mem = '256MB';
-- Triggers and foreign keys are checked for the rows the application writes; these rows
-- are made consistent by construction, and checking them one by one would take minutes.
SET session_replication_role = replica;

CREATE TEMP TABLE bench_indexes AS
    SELECT indexname, indexdef FROM pg_indexes i
    WHERE tablename IN ('cases', 'tasks', 'timers', 'case_history') AND schemaname = 'public'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
SELECT format('DROP INDEX %I', indexname) FROM bench_indexes \gexec

INSERT INTO cases (id, workflow_id, workflow_version, data, status, outcome, state, tracks, waiting_on, escalated,
                   version, citizen_ref, created_at, entered_state_at, last_event_at, closed_at)
SELECT md5('c' || n)::uuid, 'bench-guichet', 1, jsonb_build_object('nom', 'Durand ' || n),
       CASE WHEN open THEN 'open' ELSE 'closed' END, CASE WHEN open THEN NULL ELSE 'accepted' END,
       CASE WHEN open THEN 'instruction' ELSE 'fin' END, '[]', CASE WHEN open THEN 'mairie' ELSE 'usager' END,
       open AND n % 50 = 0, :per_case, 'usager-' || n, entered - interval '1 day', entered, entered,
       CASE WHEN open THEN NULL ELSE entered END
FROM (SELECT n, n % 10 < 7 AS open, now() - (random() * 365 * 86400) * interval '1 second' AS entered
      FROM generate_series(1, :cases) n) g;

-- The open task of each open case, and an escalation on the escalated ones and on 2 % of
-- the closed ones (resolved).
INSERT INTO tasks (id, case_id, queue, state, kind, sla_due_at, opened_at)
SELECT md5('t' || n)::uuid, c.id, 'accueil', 'instruction', 'work', c.entered_state_at + interval '10 days', c.entered_state_at
FROM generate_series(1, :cases) n JOIN cases c ON c.id = md5('c' || n)::uuid WHERE c.status = 'open';
INSERT INTO tasks (id, case_id, queue, state, kind, reason, context, opened_at, closed_at, resolution)
SELECT md5('e' || n)::uuid, c.id, 'escalades', 'instruction', 'escalation',
       (ARRAY['sla-breached', 'deadline-expired', 'agent-raised', 'no-rule-matched'])[n % 4 + 1], '{}',
       c.entered_state_at, CASE WHEN c.status = 'closed' THEN c.entered_state_at + interval '2 days' END,
       CASE WHEN c.status = 'closed' THEN 'resolved' END
FROM generate_series(1, :cases) n JOIN cases c ON c.id = md5('c' || n)::uuid
WHERE n % 50 IN (0, 7);
INSERT INTO timers (id, case_id, kind, state, task_id, due_at)
SELECT md5('m' || n)::uuid, c.id, 'queue-sla', 'instruction', md5('t' || n)::uuid, c.entered_state_at + interval '10 days'
FROM generate_series(1, :cases) n JOIN cases c ON c.id = md5('c' || n)::uuid WHERE c.status = 'open';

-- :per_case rows per case, in case order: the creation, then notes; one case in 500 ends
-- with an override, for the escalation report's list of overrides.
INSERT INTO case_history (case_id, case_version, at, event, actor, from_state, to_state, name, note, waiting_on)
SELECT md5('c' || n)::uuid, v, now() - ((n % 365) * interval '1 day') + v * interval '1 minute',
       CASE WHEN v = 1 THEN 'created' WHEN v = :per_case AND n % 500 = 0 THEN 'override' ELSE 'action' END,
       'agent:anne', CASE WHEN v > 1 THEN 'instruction' END, 'instruction',
       CASE WHEN v > 1 AND NOT (v = :per_case AND n % 500 = 0) THEN 'noter' END,
       CASE WHEN v = :per_case AND n % 500 = 0 THEN 'vu au guichet' END, 'mairie'
FROM generate_series(1, :cases) n, generate_series(1, :per_case) v;

SELECT indexdef FROM bench_indexes \gexec
RESET session_replication_role;
VACUUM ANALYZE cases, tasks, timers, case_history;
