import Foundation
import PostgresNIO
import Testing
@testable import Workflow

/// The supervision reports against PostgreSQL, on cases written row by row with known
/// times (the engine would stamp them with the database's now): exact ages, counts and
/// delays. Only INSERTs, which the history's append-only trigger allows; each case is
/// written in one transaction with its owner, so the owner invariant holds.
@Suite("Supervision reports in PostgreSQL")
struct SupervisionReportTests {
    /// 2026-01-01T00:00:00Z, and a day.
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)
    static let day: TimeInterval = 86_400
    static func at(_ days: Double) -> Date { t0.addingTimeInterval(days * day) }
    static let passport = SupervisionScope.only([.init(workflowID: "passeport-identite", version: 1)])

    /// A fresh database with the example workflows published (cases need their version).
    static func database(_ name: String) async throws -> Database {
        let database = try await TestDatabase.fresh(name)
        let repository = WorkflowRepository(database)
        for example in Repository.examples {
            _ = try await repository.publish(source: try String(contentsOf: example, encoding: .utf8), publishedBy: "cli:test")
        }
        return database
    }

    struct TaskRow {
        var queue: String
        var state: String
        var reason: String? = nil
        var slaDue: Date? = nil
        var opened: Date
        var closed: Date? = nil
    }

    struct Entry {
        var at: Date
        var event: String
        var to: String? = nil
        var track: String? = nil
        var waitingOn: String
        var note: String? = nil
        /// Whose move after the entry; nil writes none, as entries written before it was kept.
        var whoseMove: [String]? = nil
    }

    /// Writes one case with its tasks, timers and history in one transaction; an open case
    /// without a task gets a far `stall` timer as its owner.
    @discardableResult
    static func insertCase(_ database: Database, workflow: String = "passeport-identite", state: String, waitingOn: String,
                           escalated: Bool = false, created: Date, entered: Date, lastEvent: Date, closed: Date? = nil,
                           tasks: [TaskRow] = [], timers: [(kind: String, due: Date)] = [], history: [Entry] = []) async throws -> UUID {
        let id = UUID()
        try await database.transaction { connection in
            let status = closed == nil ? "open" : "closed"
            let outcome: String? = closed == nil ? nil : "delivered"
            try await connection.query("""
                INSERT INTO cases (id, workflow_id, workflow_version, data, status, outcome, state, waiting_on, whose_move, escalated,
                                   version, created_at, entered_state_at, last_event_at, closed_at)
                VALUES (\(id), \(workflow), 1, '{"usager": {"nom": "Secret"}}'::jsonb, \(status), \(outcome), \(state), \(waitingOn),
                        \(closed == nil ? [waitingOn] : [String]()),
                        \(escalated), 1, \(DatabaseTime.text(created))::timestamptz, \(DatabaseTime.text(entered))::timestamptz,
                        \(DatabaseTime.text(lastEvent))::timestamptz, \(closed.map(DatabaseTime.text))::timestamptz)
                """, logger: database.logger)
            for task in tasks {
                let kind = task.reason == nil ? "work" : "escalation"
                let resolution: String? = task.closed == nil ? nil : "done"
                let context: String? = task.reason == nil ? nil : #"{"values": {"usager.nom": "Secret"}}"#
                try await connection.query("""
                    INSERT INTO tasks (id, case_id, queue, state, kind, reason, context, sla_due_at, opened_at, closed_at, resolution)
                    VALUES (\(UUID()), \(id), \(task.queue), \(task.state), \(kind), \(task.reason), \(context)::jsonb,
                            \(task.slaDue.map(DatabaseTime.text))::timestamptz, \(DatabaseTime.text(task.opened))::timestamptz,
                            \(task.closed.map(DatabaseTime.text))::timestamptz, \(resolution))
                    """, logger: database.logger)
            }
            var owners = timers
            if closed == nil && tasks.allSatisfy({ $0.closed != nil }) && timers.isEmpty { owners.append(("stall", at(400))) }
            for timer in owners {
                try await connection.query("""
                    INSERT INTO timers (id, case_id, kind, state, due_at) VALUES (\(UUID()), \(id), \(timer.kind), \(state),
                        \(DatabaseTime.text(timer.due))::timestamptz)
                    """, logger: database.logger)
            }
            for entry in history {
                try await connection.query("""
                    INSERT INTO case_history (case_id, case_version, at, event, actor, to_state, track, note, waiting_on, context, whose_move)
                    VALUES (\(id), 1, \(DatabaseTime.text(entry.at))::timestamptz, \(entry.event), 'cli:test', \(entry.to),
                            \(entry.track), \(entry.note), \(entry.waitingOn), '{"values": {"usager.nom": "Secret"}}'::jsonb,
                            \(entry.whoseMove))
                    """, logger: database.logger)
            }
        }
        return id
    }

    /// Six cases: five open (one of another workflow, the oldest), one closed.
    static func stuckFixture(_ database: Database) async throws -> [String: UUID] {
        var ids: [String: UUID] = [:]
        ids["A"] = try await insertCase(database, state: "attente-pieces", waitingOn: "usager", created: at(0), entered: at(1),
                                        lastEvent: at(5), tasks: [TaskRow(queue: "instruction-titres", state: "attente-pieces",
                                                                        slaDue: at(50), opened: at(1))])
        ids["B"] = try await insertCase(database, state: "fabrication", waitingOn: "ants", created: at(0), entered: at(2),
                                        lastEvent: at(2), timers: [("sla", at(10))])
        ids["C"] = try await insertCase(database, state: "instruction", waitingOn: "cert-titres", escalated: true, created: at(0),
                                        entered: at(3), lastEvent: at(3.5),
                                        tasks: [TaskRow(queue: "supervision-cert", state: "instruction", reason: "sla-breached", opened: at(3.5)),
                                                TaskRow(queue: "instruction-titres", state: "instruction", slaDue: at(60), opened: at(3))])
        ids["D"] = try await insertCase(database, state: "attente-pieces", waitingOn: "usager", created: at(29), entered: at(30),
                                        lastEvent: at(30), timers: [("stall", at(70))])
        ids["E"] = try await insertCase(database, state: "remise-effectuee", waitingOn: "engine", created: at(0), entered: at(0.5),
                                        lastEvent: at(0.5), closed: at(0.5))
        ids["F"] = try await insertCase(database, workflow: "bourse-sur-criteres-sociaux", state: "pieces", waitingOn: "usager",
                                        created: at(0), entered: at(0), lastEvent: at(0))
        return ids
    }

    @Test("stuck: open cases oldest in state first, with whose move, SLA, escalations; scoped to what the caller may know")
    func stuckOrder() async throws {
        let database = try await Self.database("supervision-stuck")
        defer { database.close() }
        let ids = try await Self.stuckFixture(database)
        let report = StuckReport(database)
        var filter = StuckReport.Filter()
        filter.asOf = Self.at(40)

        let all = try await report.run(filter, scope: .everything)
        #expect(all.rows.map(\.caseID) == ["F", "A", "B", "C", "D"].map { ids[$0]! })
        #expect(all.next == nil && all.asOf == Self.at(40))
        let scoped = try await report.run(filter, scope: Self.passport)
        #expect(scoped.rows.map(\.caseID) == ["A", "B", "C", "D"].map { ids[$0]! })
        #expect(try await report.run(filter, scope: .only([])).rows.isEmpty)

        let a = try #require(scoped.rows.first)
        #expect(a.state == "attente-pieces" && a.whoseMove == ["usager"] && !a.escalated && !a.breached)
        #expect(a.secondsInState == 39 * Self.day && a.secondsSinceLastEvent == 35 * Self.day)
        #expect(a.deadline == Self.at(50) && a.queues == ["instruction-titres"] && a.escalationReasons.isEmpty)
        let b = scoped.rows[1], c = scoped.rows[2], d = scoped.rows[3]
        #expect(b.breached && b.deadline == Self.at(10) && b.queues.isEmpty)  // an sla timer past due
        #expect(c.breached && c.escalated && c.escalationReasons == ["sla-breached"])  // the breach was escalated
        #expect(c.queues == ["instruction-titres", "supervision-cert"] && c.deadline == Self.at(60))
        #expect(!d.breached && d.deadline == nil && d.secondsInState == 10 * Self.day)
    }

    @Test("stuck: a request to another administration past its due date is a breach, its due date the deadline")
    func stuckRequest() async throws {
        let database = try await Self.database("supervision-stuck-request")
        defer { database.close() }
        let late = try await Self.insertCase(database, state: "verification-etat-civil", waitingOn: "etat-civil", created: Self.at(0),
                                             entered: Self.at(1), lastEvent: Self.at(1), timers: [("request", Self.at(21))])
        let awaited = try await Self.insertCase(database, state: "verification-etat-civil", waitingOn: "etat-civil", created: Self.at(0),
                                                entered: Self.at(2), lastEvent: Self.at(2), timers: [("request", Self.at(60))])
        var filter = StuckReport.Filter()
        filter.asOf = Self.at(40)
        let rows = try await StuckReport(database).run(filter, scope: .everything).rows
        #expect(rows.map(\.caseID) == [late, awaited])
        #expect(rows.first?.breached == true && rows.first?.deadline == Self.at(21))
        #expect(rows.last?.breached == false && rows.last?.deadline == Self.at(60))
        // Late and still awaited once its timer fired: the request's own due date says so.
        _ = try await database.client.query("DELETE FROM timers WHERE case_id = \(late)", logger: TestDatabase.logger)
        _ = try await database.client.query("""
            INSERT INTO case_requests (id, case_id, request, agency, field, state, status, opened_at, due_at, versions, asked_citizen)
            VALUES (\(UUID()), \(late), 'acte-naissance', 'etat-civil', 'pieces.acte_naissance', 'verification-etat-civil', 'sent',
                    \(Self.at(1)), \(Self.at(21)), 0, false)
            """, logger: TestDatabase.logger)
        let again = try await StuckReport(database).run(filter, scope: .everything).rows
        #expect(again.first?.caseID == late && again.first?.breached == true && again.first?.deadline == Self.at(21))
    }

    @Test("stuck: filters by party, SLA, escalation, state, workflow and age, and pages by cursor without gaps")
    func stuckFilters() async throws {
        let database = try await Self.database("supervision-stuck-filters")
        defer { database.close() }
        let ids = try await Self.stuckFixture(database)
        let report = StuckReport(database)
        func run(_ change: (inout StuckReport.Filter) -> Void) async throws -> [UUID] {
            var filter = StuckReport.Filter()
            filter.asOf = Self.at(40)
            change(&filter)
            return try await report.run(filter, scope: Self.passport).rows.map(\.caseID)
        }
        #expect(try await run { $0.waitingOn = "usager" } == [ids["A"]!, ids["D"]!])
        #expect(try await run { $0.breached = true } == [ids["B"]!, ids["C"]!])
        #expect(try await run { $0.breached = false } == [ids["A"]!, ids["D"]!])
        #expect(try await run { $0.escalated = true } == [ids["C"]!])
        #expect(try await run { $0.state = "attente-pieces" } == [ids["A"]!, ids["D"]!])
        #expect(try await run { $0.minAge = WorkflowDuration("20d") } == [ids["A"]!, ids["B"]!, ids["C"]!])
        #expect(try await run { $0.minIdle = WorkflowDuration("36d") } == [ids["B"]!, ids["C"]!])
        #expect(try await run { $0.workflowID = "bourse-sur-criteres-sociaux" } == [])  // not in the scope

        var filter = StuckReport.Filter()
        filter.asOf = Self.at(40)
        filter.limit = 2
        let first = try await report.run(filter, scope: Self.passport)
        #expect(first.rows.map(\.caseID) == [ids["A"]!, ids["B"]!])
        filter.after = try #require(first.next)
        let second = try await report.run(filter, scope: Self.passport)
        #expect(second.rows.map(\.caseID) == [ids["C"]!, ids["D"]!])
        filter.after = try #require(second.next)
        let third = try await report.run(filter, scope: Self.passport)
        #expect(third.rows.isEmpty && third.next == nil)
    }

    @Test("escalations: counts by reason, state, queue and age, open and resolved, in the period; overrides with notes")
    func escalationCounts() async throws {
        let database = try await Self.database("supervision-escalations")
        defer { database.close() }
        // e1 open 37 days (>30d); e2 resolved in 2 hours (<1d); e3 resolved in 3 days (1-7d);
        // e4 opened before the period; e5 open 20 days, another workflow (7-30d).
        let c = try await Self.insertCase(database, state: "instruction", waitingOn: "cert-titres", escalated: true, created: Self.at(0),
                                          entered: Self.at(3), lastEvent: Self.at(3),
                                          tasks: [TaskRow(queue: "supervision-cert", state: "instruction", reason: "sla-breached", opened: Self.at(3))])
        let a = try await Self.insertCase(database, state: "instruction", waitingOn: "cert-titres", created: Self.at(0), entered: Self.at(1),
                                          lastEvent: Self.at(6),
                                          tasks: [TaskRow(queue: "instruction-titres", state: "instruction", reason: "missing-data",
                                                       opened: Self.at(1), closed: Self.at(1 + 2.0 / 24))],
                                          history: [Entry(at: Self.at(6), event: "override", to: "instruction", waitingOn: "cert-titres",
                                                          note: "Pièces vérifiées au guichet"),
                                                    Entry(at: Self.at(-2), event: "override", to: "instruction", waitingOn: "cert-titres",
                                                          note: "before the period")])
        try await Self.insertCase(database, state: "fabrication", waitingOn: "ants", created: Self.at(0), entered: Self.at(2), lastEvent: Self.at(8),
                                  tasks: [TaskRow(queue: "supervision-cert", state: "fabrication", reason: "missing-data",
                                               opened: Self.at(5), closed: Self.at(8))])
        try await Self.insertCase(database, state: "attente-pieces", waitingOn: "usager", created: Self.at(-3), entered: Self.at(-2),
                                  lastEvent: Self.at(-1),
                                  tasks: [TaskRow(queue: "supervision-cert", state: "attente-pieces", reason: "agent-raised", opened: Self.at(-1))])
        try await Self.insertCase(database, workflow: "bourse-sur-criteres-sociaux", state: "instruction", waitingOn: "crous",
                                  escalated: true, created: Self.at(0), entered: Self.at(0), lastEvent: Self.at(20),
                                  tasks: [TaskRow(queue: "commission", state: "instruction", reason: "stalled", opened: Self.at(20))],
                                  history: [Entry(at: Self.at(7), event: "override", to: "instruction", waitingOn: "crous",
                                                  note: "another workflow's")])
        var filter = EscalationReport.Filter(from: Self.at(0), to: Self.at(40))
        filter.asOf = Self.at(40)
        let report = try await EscalationReport(database).run(filter, scope: .everything)
        typealias Count = EscalationReport.Count
        #expect(report.open == 2 && report.resolved == 2)
        #expect(report.byReason == [Count(key: "missing-data", open: 0, resolved: 2), Count(key: "sla-breached", open: 1, resolved: 0),
                                    Count(key: "stalled", open: 1, resolved: 0)])
        #expect(report.byQueue == [Count(key: "supervision-cert", open: 1, resolved: 1), Count(key: "commission", open: 1, resolved: 0),
                                   Count(key: "instruction-titres", open: 0, resolved: 1)])
        #expect(report.byState == [Count(key: "instruction", workflowID: "passeport-identite", open: 1, resolved: 1),
                                   Count(key: "instruction", workflowID: "bourse-sur-criteres-sociaux", open: 1, resolved: 0),
                                   Count(key: "fabrication", workflowID: "passeport-identite", open: 0, resolved: 1)])
        #expect(report.byAge == [Count(key: "<1d", open: 0, resolved: 1), Count(key: "1-7d", open: 0, resolved: 1),
                                 Count(key: "7-30d", open: 1, resolved: 0), Count(key: ">30d", open: 1, resolved: 0)])
        #expect(report.overrides.map(\.note) == ["another workflow's", "Pièces vérifiées au guichet"])

        let scoped = try await EscalationReport(database).run(filter, scope: Self.passport)
        #expect(scoped.open == 1 && scoped.resolved == 2 && scoped.byReason.map(\.key) == ["missing-data", "sla-breached"])
        #expect(scoped.byAge.map(\.total) == [1, 1, 0, 1])
        #expect(scoped.overrides.map(\.caseID) == [a] && scoped.overrides.first?.toState == "instruction")
        _ = c
        // Resolved as of the report: seen at day 7, the escalation resolved at day 8 was still open.
        filter.asOf = Self.at(7)
        let earlier = try await EscalationReport(database).run(filter, scope: Self.passport)
        #expect(earlier.open == 2 && earlier.resolved == 1)
        let empty = try await EscalationReport(database).run(EscalationReport.Filter(from: Self.at(100), to: Self.at(101)), scope: .everything)
        #expect(empty.open == 0 && empty.byReason.isEmpty && empty.byAge.map(\.total) == [0, 0, 0, 0] && empty.overrides.isEmpty)
    }

    @Test("delays: time per party and per state from the history, clipped to the period, open cases up to now")
    func delaysByParty() async throws {
        let database = try await Self.database("supervision-delays")
        defer { database.close() }
        // G, open: usager in pre-demande until day 12, the mairie in recueil until 16, then a
        // track's party (sre) until 20 (still recueil), then ants in instruction to now (40).
        try await Self.insertCase(database, state: "instruction", waitingOn: "ants", created: Self.at(0), entered: Self.at(20),
                                  lastEvent: Self.at(20), history: [
                                    Entry(at: Self.at(0), event: "created", to: "pre-demande", waitingOn: "usager"),
                                    Entry(at: Self.at(12), event: "action", to: "recueil", waitingOn: "mairie-recueil"),
                                    Entry(at: Self.at(15), event: "task-opened", waitingOn: "mairie-recueil"),
                                    Entry(at: Self.at(16), event: "entered", to: "x-track", track: "sre", waitingOn: "sre"),
                                    Entry(at: Self.at(20), event: "action", to: "instruction", waitingOn: "ants"),
                                  ])
        // H, closed at day 25: usager in pre-demande from 11 to 13, in attente-pieces to 25.
        try await Self.insertCase(database, state: "remise-effectuee", waitingOn: "engine", created: Self.at(11), entered: Self.at(25),
                                  lastEvent: Self.at(25), closed: Self.at(25), history: [
                                    Entry(at: Self.at(11), event: "created", to: "pre-demande", waitingOn: "usager"),
                                    Entry(at: Self.at(13), event: "action", to: "attente-pieces", waitingOn: "usager"),
                                    Entry(at: Self.at(25), event: "entered", to: "remise-effectuee", waitingOn: "engine"),
                                    Entry(at: Self.at(25), event: "closed", waitingOn: "engine"),
                                  ])
        // I, closed before the period: not counted.
        try await Self.insertCase(database, state: "remise-effectuee", waitingOn: "engine", created: Self.at(0), entered: Self.at(5),
                                  lastEvent: Self.at(5), closed: Self.at(5), history: [
                                    Entry(at: Self.at(0), event: "created", to: "pre-demande", waitingOn: "usager"),
                                    Entry(at: Self.at(5), event: "closed", to: "remise-effectuee", waitingOn: "engine"),
                                  ])
        // J, another workflow, open from day 30 with the CROUS.
        try await Self.insertCase(database, workflow: "bourse-sur-criteres-sociaux", state: "instruction", waitingOn: "crous",
                                  created: Self.at(30), entered: Self.at(30), lastEvent: Self.at(30), history: [
                                    Entry(at: Self.at(30), event: "created", to: "instruction", waitingOn: "crous"),
                                  ])
        var filter = DelayReport.Filter(from: Self.at(10), to: Self.at(40))
        filter.asOf = Self.at(40)
        let report = try await DelayReport(database).run(filter, scope: .everything)
        let d = Self.day
        #expect(report.totalSeconds == 54 * d && report.cases == 3)
        #expect(report.byParty.map { "\($0.key) \($0.seconds / d) \($0.cases)" }
                == ["ants 20.0 1", "usager 16.0 2", "crous 10.0 1", "mairie-recueil 4.0 1", "sre 4.0 1"])
        #expect(report.byState.map { "\($0.workflowID ?? "?")/\($0.key) \($0.seconds / d) \($0.cases)" }
                == ["passeport-identite/instruction 20.0 1", "passeport-identite/attente-pieces 12.0 1",
                    "bourse-sur-criteres-sociaux/instruction 10.0 1", "passeport-identite/recueil 8.0 1",
                    "passeport-identite/pre-demande 4.0 2"])

        let scoped = try await DelayReport(database).run(filter, scope: Self.passport)
        #expect(scoped.totalSeconds == 44 * d && scoped.cases == 2 && !scoped.byParty.contains { $0.key == "crous" })
        // Seen at day 30, the open case's last interval runs to day 30 only.
        filter.asOf = Self.at(30)
        let earlier = try await DelayReport(database).run(filter, scope: Self.passport)
        #expect(earlier.byParty.first { $0.key == "ants" }?.seconds == 10 * d)
    }

    @Test("in parallel work each party is charged the time it held the case, concurrently, beside the elapsed time")
    func concurrentDelays() async throws {
        let database = try await Self.database("delays-parallel")
        defer { database.close() }
        // K: the person until day 12; three bodies in parallel from 12; IRCANTEC done at 15;
        // an escalation to the coordination cell from 18; closed at 20.
        try await Self.insertCase(database, workflow: "retraite-multi-statuts", state: "liquidee", waitingOn: "engine",
                                  created: Self.at(10), entered: Self.at(20), lastEvent: Self.at(20), closed: Self.at(20), history: [
                                    Entry(at: Self.at(10), event: "created", to: "depot", waitingOn: "usager", whoseMove: ["usager"]),
                                    Entry(at: Self.at(12), event: "action", to: "instruction-parts", waitingOn: "engine",
                                          whoseMove: ["sre", "cnracl", "ircantec"]),
                                    Entry(at: Self.at(15), event: "action", to: "part-validee", track: "ircantec", waitingOn: "engine",
                                          whoseMove: ["sre", "cnracl"]),
                                    Entry(at: Self.at(18), event: "escalated", track: "sre", waitingOn: "sre",
                                          whoseMove: ["sre", "cnracl", "coordination"]),
                                    Entry(at: Self.at(20), event: "closed", to: "liquidee", waitingOn: "engine", whoseMove: []),
                                  ])
        var filter = DelayReport.Filter(from: Self.at(10), to: Self.at(40))
        filter.asOf = Self.at(40)
        let report = try await DelayReport(database).run(filter, scope: .everything)
        let d = Self.day
        #expect(report.totalSeconds == 10 * d && report.cases == 1, "the elapsed time counts each interval once")
        #expect(report.byParty.map { "\($0.key) \($0.seconds / d)" }
                == ["cnracl 8.0", "sre 8.0", "ircantec 3.0", "coordination 2.0", "usager 2.0"])
        #expect(report.byState.map { "\($0.key) \($0.seconds / d)" } == ["instruction-parts 8.0", "depot 2.0"])
    }
}
