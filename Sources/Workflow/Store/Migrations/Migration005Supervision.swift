/// Indexes for the supervision reports (`Sources/Workflow/Supervision`): each report walks
/// an index that matches its filter and order instead of the whole table.
enum Migration005Supervision {
    static let migration = Migration(version: 5, name: "supervision indexes", statements: [
        #"""
        -- Stuck cases of one party (waiting_on), oldest in their state first, paged by id.
        -- Without a party filter the report walks cases_open_by_age; with a workflow and a
        -- state, cases_open_by_state (migration 1).
        CREATE INDEX cases_open_waiting_by_age ON cases (waiting_on, entered_state_at, id) WHERE status = 'open'
        """#,
        #"""
        -- The escalation report: the escalations opened in a period.
        CREATE INDEX tasks_escalations_by_opened ON tasks (opened_at) WHERE kind = 'escalation'
        """#,
        #"""
        -- The overrides to review, newest first, without reading the rest of the history.
        CREATE INDEX case_history_overrides ON case_history (at) WHERE event = 'override'
        """#,
        #"""
        -- The delay report: the cases closed after the start of a period (open ones are
        -- found by cases_open_by_age).
        CREATE INDEX cases_closed_at ON cases (closed_at) WHERE status = 'closed'
        """#,
    ])
}
