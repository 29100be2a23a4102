/// Most changes of a case rewrite its row without moving it in any index (a note, data, a
/// track's step): PostgreSQL can then update it in place on its page (a "HOT" update, no
/// index entry written), if the page has room and no indexed column changed. Rows are
/// packed full by default and `last_event_at`, which every change sets, was indexed for
/// escalated cases: every change wrote an entry in each of the cases' indexes.
enum Migration010HotUpdates {
    static let migration = Migration(version: 10, name: "hot updates", statements: [
        #"""
        ALTER TABLE cases SET (fillfactor = 80)
        """#,
        #"""
        DROP INDEX cases_open_escalated
        """#,
        #"""
        -- Escalated open cases, oldest in their state first, as the stuck report reads them.
        CREATE INDEX cases_open_escalated_by_age ON cases (entered_state_at) WHERE status = 'open' AND escalated
        """#,
    ])
}
