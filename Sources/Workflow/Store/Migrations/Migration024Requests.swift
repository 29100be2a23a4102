/// Requests to other administrations (language brief, "Requests to other administrations"):
/// one row per request a case opened, written by `CaseWriter` with the change that opened or
/// answered it; the citizen's consents on the case row (per request id, as last recorded:
/// the history keeps every grant and revocation); the sources of the values read, in the
/// access journal; and the `request` timer, the request's sla,
/// which has the request's id and owns the case while it is unanswered.
enum Migration024Requests {
    static let migration = Migration(version: 24, name: "requests to other administrations", statements: [
        #"""
        CREATE TABLE case_requests (
            id            uuid        PRIMARY KEY,
            case_id       uuid        NOT NULL REFERENCES cases (id),
            request       text        NOT NULL,
            agency        text        NOT NULL,
            field         text        NOT NULL,
            state         text        NOT NULL,
            track         text,
            status        text        NOT NULL CHECK (status IN ('sent', 'answered', 'refused', 'expired', 'withheld', 'stopped', 'cancelled')),
            opened_at     timestamptz NOT NULL,
            due_at        timestamptz,
            closed_at     timestamptz,
            versions      integer     NOT NULL CHECK (versions >= 0),
            reason        text,
            asked_citizen boolean     NOT NULL,
            CHECK ((status = 'sent') = (closed_at IS NULL) OR status IN ('withheld', 'cancelled')),
            CHECK (status <> 'answered' OR versions > 0)
        )
        """#,
        #"""
        CREATE INDEX case_requests_by_case ON case_requests (case_id)
        """#,
        // The answering agency's open requests, oldest first.
        #"""
        CREATE INDEX case_requests_open_by_agency ON case_requests (agency, opened_at) WHERE status = 'sent'
        """#,
        #"""
        ALTER TABLE cases ADD COLUMN consents jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(consents) = 'object')
        """#,
        // Each read of a value another administration provided says whence and on what basis.
        #"""
        ALTER TABLE access_journal ADD COLUMN sources jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(sources) = 'array')
        """#,
        #"""
        ALTER TABLE timers DROP CONSTRAINT timers_kind_check
        """#,
        #"""
        ALTER TABLE timers ADD CONSTRAINT timers_kind_check
            CHECK (kind IN ('after', 'sla', 'stall', 'queue-sla', 'escalation-sla', 'step', 'clock-warning', 'clock-expiry', 'request'))
        """#,
    ])
}
