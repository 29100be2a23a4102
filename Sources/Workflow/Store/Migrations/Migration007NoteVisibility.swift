/// Who may read each note: notes are confidential by default (the author's agency), and
/// every way a history is read filters them by this column.
enum Migration007NoteVisibility {
    static let migration = Migration(version: 7, name: "note visibility", statements: [
        #"""
        -- Agencies, 'role:ID's or 'all' (every agency that knows the case). NULL on entries
        -- without a note, and on notes written before notes had a visibility (then: all).
        ALTER TABLE case_history ADD COLUMN note_visible_to text[]
        """#,
    ])
}
