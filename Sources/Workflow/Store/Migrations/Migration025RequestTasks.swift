/// A request to an agency that has a queue in the workflow opens a task there (language
/// brief, "Requests to other administrations": "its queue of agents if it has one"): the
/// kind `request`, whose context names the request to answer. And the digest of the value a
/// request last received, so that a read is journaled as provided by the agency only while
/// the field still holds it.
enum Migration025RequestTasks {
    static let migration = Migration(version: 25, name: "request tasks and answer digests", statements: [
        #"""
        ALTER TABLE case_requests ADD COLUMN answer_digest text
        """#,
        #"""
        ALTER TABLE tasks DROP CONSTRAINT tasks_kind_check
        """#,
        #"""
        ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('work', 'escalation', 'request'))
        """#,
        #"""
        ALTER TABLE tasks ADD CONSTRAINT tasks_request_named
            CHECK ((kind = 'request') = (kind <> 'escalation' AND coalesce(context ? 'request_id', false)))
        """#,
    ])
}
