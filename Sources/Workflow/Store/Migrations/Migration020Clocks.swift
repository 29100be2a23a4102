/// Legal clocks (language brief, "Legal clocks"): each case keeps its clocks' runs and
/// computations (`clocks`, written with every change by `CaseWriter`), and a running clock
/// owns a `clock-expiry` timer (and a `clock-warning` one), whose `state` is the clock's id.
enum Migration020Clocks {
    static let migration = Migration(version: 20, name: "legal clocks", statements: [
        #"""
        ALTER TABLE cases ADD COLUMN clocks jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(clocks) = 'array')
        """#,
        #"""
        ALTER TABLE timers DROP CONSTRAINT timers_kind_check
        """#,
        #"""
        ALTER TABLE timers ADD CONSTRAINT timers_kind_check
            CHECK (kind IN ('after', 'sla', 'stall', 'queue-sla', 'escalation-sla', 'step', 'clock-warning', 'clock-expiry'))
        """#,
    ])
}
