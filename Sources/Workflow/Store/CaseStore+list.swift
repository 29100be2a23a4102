import Foundation
import PostgresNIO

extension CaseStore {
    /// What to list: every filter is optional; `after` continues from a previous page.
    public struct Filter: Sendable {
        public var workflowID: String?
        public var state: String?
        public var openOnly: Bool
        public var escalatedOnly: Bool
        public var waitingOn: String?
        /// The last id of the previous page (pages are ordered by id).
        public var after: UUID?
        public var limit: Int

        public init(workflowID: String? = nil, state: String? = nil, openOnly: Bool = false, escalatedOnly: Bool = false,
                    waitingOn: String? = nil, after: UUID? = nil, limit: Int = 50) {
            self.workflowID = workflowID
            self.state = state
            self.openOnly = openOnly
            self.escalatedOnly = escalatedOnly
            self.waitingOn = waitingOn
            self.after = after
            self.limit = limit
        }
    }

    /// A line of a case list.
    public struct Summary: Sendable {
        public var id: UUID
        public var workflowID: String
        public var state: String
        public var status: String
        /// Whose move it is (`CaseSnapshot.whoseMove`): empty once closed.
        public var whoseMove: [String]
        public var escalated: Bool
        public var version: Int
        public var lastEventAt: Date
    }

    /// Cases matching the filter, a page at a time, by id.
    public func list(_ filter: Filter) async throws -> [Summary] {
        let rows = try await database.client.query("""
            SELECT id, workflow_id, state, status, whose_move, escalated, version, last_event_at FROM cases
            WHERE (\(filter.workflowID)::text IS NULL OR workflow_id = \(filter.workflowID))
              AND (\(filter.state)::text IS NULL OR state = \(filter.state))
              AND (NOT \(filter.openOnly) OR status = 'open')
              AND (NOT \(filter.escalatedOnly) OR escalated)
              AND (\(filter.waitingOn)::text IS NULL OR whose_move @> ARRAY[\(filter.waitingOn)]::text[])
              AND (\(filter.after)::uuid IS NULL OR id > \(filter.after))
            ORDER BY id
            LIMIT \(max(1, min(filter.limit, 500)))
            """, logger: database.logger)
        var result: [Summary] = []
        for try await (id, workflowID, state, status, whoseMove, escalated, version, lastEventAt)
            in rows.decode((UUID, String, String, String, [String], Bool, Int, Date).self) {
            result.append(Summary(id: id, workflowID: workflowID, state: state, status: status, whoseMove: whoseMove,
                                  escalated: escalated, version: version, lastEventAt: lastEventAt))
        }
        return result
    }
}

extension CaseStore {
    /// The cases of one person, by the portal's reference, newest first.
    public func ids(citizenRef: String, limit: Int = 200) async throws -> [UUID] {
        let rows = try await database.client.query("""
            SELECT id FROM cases WHERE citizen_ref = \(citizenRef) ORDER BY created_at DESC, id LIMIT \(limit)
            """, logger: database.logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }
}
