/// Whose move it is, as a list (language brief, "Whose move, in parallel work"): the
/// parties of a case's open tracks (or its state's party outside parallel work), plus the
/// agency of every queue holding one of its open escalations; nobody once it is closed.
/// The engine computes it with every change; the history keeps it on each entry, so that
/// the delays report charges each party its own time, concurrently.
enum Migration012WhoseMove {
    static let migration = Migration(version: 12, name: "whose move", statements: [
        #"""
        ALTER TABLE cases ADD COLUMN whose_move text[] NOT NULL DEFAULT '{}'
        """#,
        #"""
        -- Cases written before: their open tracks' parties, else their state's. The agencies
        -- of their open escalations' queues need the workflow's definition: they join the
        -- list at the case's next change.
        UPDATE cases SET whose_move = CASE
            WHEN status = 'closed' THEN '{}'::text[]
            WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(tracks) t WHERE NOT coalesce((t->>'finished')::boolean, false))
                THEN ARRAY(SELECT DISTINCT t->>'waiting_on' FROM jsonb_array_elements(tracks) t
                           WHERE NOT coalesce((t->>'finished')::boolean, false))
            ELSE ARRAY[waiting_on] END
        """#,
        #"""
        CREATE INDEX cases_open_whose_move ON cases USING gin (whose_move) WHERE status = 'open'
        """#,
        #"""
        -- NULL on entries written before: they keep their single waiting_on.
        ALTER TABLE case_history ADD COLUMN whose_move text[]
        """#,
    ])
}
