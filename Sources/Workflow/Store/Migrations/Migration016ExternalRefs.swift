/// Each agency's own reference for a case (language brief, "Inbound"): another system
/// addresses a case by its own file number. One reference per agency and case, and a
/// reference names one case of that agency.
enum Migration016ExternalRefs {
    static let migration = Migration(version: 16, name: "external references", statements: [
        #"""
        CREATE TABLE case_external_refs (
            case_id uuid        NOT NULL REFERENCES cases (id),
            agency  text        NOT NULL,
            ref     text        NOT NULL CHECK (length(ref) BETWEEN 1 AND 100 AND ref !~ '[[:cntrl:]]'),
            set_by  text        NOT NULL,
            set_at  timestamptz NOT NULL,
            PRIMARY KEY (case_id, agency),
            UNIQUE (agency, ref)
        )
        """#,
    ])
}
