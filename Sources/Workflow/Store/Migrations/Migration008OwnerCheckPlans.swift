/// The owner check at commit, planned for the case at hand every time: PL/pgSQL keeps a
/// query's plan for the session, and a plan made while the tables were nearly empty (a new
/// database under load, before autovacuum's first ANALYZE) walked a partial index of every
/// open case or task instead of the one case's keys, tens of milliseconds per commit.
enum Migration008OwnerCheckPlans {
    static let migration = Migration(version: 8, name: "owner check plans", statements: [
        #"""
        CREATE OR REPLACE FUNCTION parcours_check_owner() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            checked uuid;
            orphan boolean;
        BEGIN
            IF TG_TABLE_NAME = 'cases' THEN
                checked := NEW.id;
            ELSE
                checked := OLD.case_id;
            END IF;
            -- EXECUTE: a plan for this case's id, by the keys (see the migration's comment).
            EXECUTE 'SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = $1 AND c.status = ''open''
                                    AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = $1 AND t.closed_at IS NULL)
                                    AND NOT EXISTS (SELECT 1 FROM timers m WHERE m.case_id = $1))'
                INTO orphan USING checked;
            IF orphan THEN
                RAISE EXCEPTION 'case % would be left without an owner (no open task, no pending timer)', checked
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END $$
        """#,
    ])
}
