/// A write that finds a case moved since it was read fails as a whole, in the database: a
/// change is written by one statement outside any explicit transaction (`CaseWriter`), so
/// the statement itself must undo its other rows (history, tasks, journal) when the case's
/// row was not updated. The error is PostgreSQL's serialization failure, the code that
/// means "nothing was written; read again and retry".
enum Migration009WriteConflict {
    static let migration = Migration(version: 9, name: "write conflict", statements: [
        #"""
        CREATE FUNCTION parcours_write_conflict(detail text) RETURNS bigint LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '%', detail USING ERRCODE = 'serialization_failure';
        END $$
        """#,
    ])
}
