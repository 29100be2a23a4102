/// The owner check at commit runs only for the rows that can take a case's owner away: a
/// case inserted open or reopened, a task closed (or moved to another case), a timer
/// deleted (its trigger, on delete only, stays as it was). A change that closes no task and removes no timer (a note, data, most of a
/// track's steps) keeps the owner it had, and claiming a task changes no owner: before,
/// every updated case and task row planned and ran the check (a third of the database's
/// time on such changes).
enum Migration011OwnerCheckWhenLost {
    static let migration = Migration(version: 11, name: "owner check when lost", statements: [
        #"""
        DROP TRIGGER cases_have_owner ON cases
        """#,
        #"""
        CREATE CONSTRAINT TRIGGER cases_have_owner AFTER INSERT ON cases
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'open')
            EXECUTE FUNCTION parcours_check_owner()
        """#,
        #"""
        CREATE CONSTRAINT TRIGGER cases_reopened_have_owner AFTER UPDATE ON cases
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'open' AND OLD.status IS DISTINCT FROM 'open')
            EXECUTE FUNCTION parcours_check_owner()
        """#,
        #"""
        DROP TRIGGER tasks_keep_owner ON tasks
        """#,
        #"""
        CREATE CONSTRAINT TRIGGER tasks_keep_owner AFTER UPDATE ON tasks
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
            WHEN (OLD.closed_at IS NULL AND (NEW.closed_at IS NOT NULL OR NEW.case_id IS DISTINCT FROM OLD.case_id))
            EXECUTE FUNCTION parcours_check_owner()
        """#,
        #"""
        CREATE CONSTRAINT TRIGGER tasks_deleted_keep_owner AFTER DELETE ON tasks
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION parcours_check_owner()
        """#,
    ])
}
