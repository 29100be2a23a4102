/// The journal of changes to agents: who changed which agent's agency, roles, rights or
/// sign-in identities, from what to what, and how many of its sessions were ended for it.
enum Migration019AgentChanges {
    static let migration = Migration(version: 19, name: "agent changes", statements: [
        #"""
        CREATE TABLE agent_changes (
            id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            agent_id       text        NOT NULL REFERENCES agents (id),
            changed_at     timestamptz NOT NULL DEFAULT now(),
            -- Who made the change, as histories record actors ('operator:NAME').
            changed_by     text        NOT NULL CONSTRAINT agent_changes_by_nonempty CHECK (changed_by <> ''),
            before         jsonb       NOT NULL,
            after          jsonb       NOT NULL,
            -- Rights that shrink end the agent's sessions at once.
            rights_shrank  boolean     NOT NULL,
            sessions_ended integer     NOT NULL CONSTRAINT agent_changes_sessions_ended CHECK (sessions_ended >= 0)
        )
        """#,
        #"""
        CREATE INDEX agent_changes_by_agent ON agent_changes (agent_id, changed_at)
        """#,
    ])
}
