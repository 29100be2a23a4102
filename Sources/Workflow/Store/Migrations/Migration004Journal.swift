/// The access journal (who read or changed which fields of a case, through which route) and
/// the citizen's portal as a kind of agent.
enum Migration004Journal {
    static let migration = Migration(version: 4, name: "access journal and portal", statements: [
        #"""
        -- The citizen-facing front office: it acts for the person it names by citizen_ref, on
        -- the portal routes only.
        ALTER TABLE agents ADD COLUMN portal boolean NOT NULL DEFAULT false
        """#,
        #"""
        -- Every read of a case (the fields returned) and every change (the fields changed), so
        -- that a citizen can be told who had access to what. Append-only, like the history:
        -- no API edits or deletes it, and the trigger refuses it to every client.
        CREATE TABLE access_journal (
            id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            case_id uuid        NOT NULL REFERENCES cases (id),
            at      timestamptz NOT NULL DEFAULT clock_timestamp(),
            -- agent:ID, citizen:REF (through a portal, named in via), cli:NAME, or engine.
            actor   text        NOT NULL,
            -- The actor's agency when it is an agent, so that a citizen reads "the SRE".
            agency  text,
            kind    text        NOT NULL CHECK (kind IN ('read', 'change')),
            -- The route or command: 'GET /api/v1/cases/{id}', 'cli: cases show', 'worker'.
            via     text        NOT NULL,
            -- The field paths returned (a read) or changed (a change).
            fields  text[]      NOT NULL DEFAULT '{}'
        )
        """#,
        #"""
        CREATE INDEX access_journal_by_case ON access_journal (case_id, id)
        """#,
        #"""
        CREATE TRIGGER access_journal_append_only BEFORE UPDATE OR DELETE ON access_journal
            FOR EACH ROW EXECUTE FUNCTION parcours_forbid_change()
        """#,
        #"""
        CREATE TRIGGER access_journal_not_truncated BEFORE TRUNCATE ON access_journal
            FOR EACH STATEMENT EXECUTE FUNCTION parcours_forbid_change()
        """#,
    ])
}
