/// One referent person for each case (language brief, "A referent for each case"): the agent
/// who answers for the case as a whole across its agencies. An agent id is never reused, so
/// the column names one person for good; the index serves the referent's inbox section and
/// the referents' load (open cases only, the ones that need someone).
enum Migration022Referent {
    static let migration = Migration(version: 22, name: "case referent", statements: [
        #"""
        ALTER TABLE cases ADD COLUMN referent text REFERENCES agents (id)
        """#,
        #"""
        CREATE INDEX cases_open_by_referent ON cases (referent) WHERE status = 'open' AND referent IS NOT NULL
        """#,
    ])
}
