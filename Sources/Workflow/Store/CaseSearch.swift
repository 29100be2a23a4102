import Foundation
import PostgresNIO

/// Case lists for a caller who may see only some workflow versions and, in each, only some
/// fields: the visibility is a filter of the query itself, so a page never carries a case
/// the caller may not know, and a text search never matches on a field they cannot see.
public struct CaseSearch: Sendable {
    /// What a caller may see of one workflow version: its cases, and these field paths.
    public struct Visibility: Sendable, Hashable {
        public var workflowID: String
        public var version: Int
        public var fieldPaths: [String]

        public init(workflowID: String, version: Int, fieldPaths: [String]) {
            self.workflowID = workflowID
            self.version = version
            self.fieldPaths = fieldPaths
        }
    }

    /// Every filter is optional; `after` continues from the previous page (pages are by id).
    public struct Filter: Sendable {
        public var workflowID: String?
        public var state: String?
        /// Cases with an open task in this queue.
        public var queue: String?
        public var escalated: Bool?
        public var waitingOn: String?
        /// Another name of `waitingOn`: cases one of whose parties (an open track's, an open
        /// escalation's queue's agency) is this agency.
        public var agency: String?
        /// Open cases (true), closed ones (false), or both (nil).
        public var open: Bool?
        public var createdAfter: Date?
        public var createdBefore: Date?
        public var updatedAfter: Date?
        public var updatedBefore: Date?
        /// Text searched in the values of the visible fields, regardless of case and accents
        /// (`lefevre` finds `Lefèvre`); when it is the start of an id (8 hex digits or more),
        /// it finds that case as well.
        public var text: String?
        public var after: UUID?
        public var limit = 50

        public init() {}
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// The cases matching `filter` among those `visibility` allows, a page at a time.
    public func find(_ filter: Filter, visibility: [Visibility]) async throws -> [CaseStore.Summary] {
        guard !visibility.isEmpty else { return [] }
        let versions = JSONValue.array(visibility.map { .object(["w": .string($0.workflowID), "v": .number(JSONNumber($0.version))]) })
        let paths = JSONValue.array(visibility.flatMap { entry in
            entry.fieldPaths.map { JSONValue.object(["w": .string(entry.workflowID), "v": .number(JSONNumber(entry.version)), "p": .string($0)]) }
        })
        let pattern = filter.text.map { "%" + $0.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%" }
        let rows: PostgresRowSequence
        do {
            rows = try await database.client.query(query(filter, versions: versions, paths: paths, pattern: pattern,
                                                         idPrefix: filter.text.flatMap(CaseIDPrefix.init)),
                                                   logger: database.logger)
        } catch {
            throw Database.storeError(error)
        }
        var result: [CaseStore.Summary] = []
        for try await (id, workflowID, state, status, whoseMove, escalated, version, lastEventAt)
            in rows.decode((UUID, String, String, String, [String], Bool, Int, Date).self) {
            result.append(CaseStore.Summary(id: id, workflowID: workflowID, state: state, status: status, whoseMove: whoseMove,
                                            escalated: escalated, version: version, lastEventAt: lastEventAt))
        }
        return result
    }

    private func query(_ filter: Filter, versions: JSONValue, paths: JSONValue, pattern: String?, idPrefix: CaseIDPrefix?) -> PostgresQuery {
        """
            SELECT c.id, c.workflow_id, c.state, c.status, c.whose_move, c.escalated, c.version, c.last_event_at FROM cases c
            WHERE EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions.serialized())::jsonb) AS a(w text, v integer)
                          WHERE a.w = c.workflow_id AND a.v = c.workflow_version)
              AND (\(filter.workflowID)::text IS NULL OR c.workflow_id = \(filter.workflowID))
              AND (\(filter.state)::text IS NULL OR c.state = \(filter.state))
              AND (\(filter.escalated)::boolean IS NULL OR c.escalated = \(filter.escalated))
              AND (\(filter.waitingOn)::text IS NULL OR c.whose_move @> ARRAY[\(filter.waitingOn)]::text[])
              AND (\(filter.open)::boolean IS NULL OR (c.status = 'open') = \(filter.open))
              AND (\(filter.agency)::text IS NULL OR c.whose_move @> ARRAY[\(filter.agency)]::text[])
              AND (\(filter.createdAfter.map(DatabaseTime.text))::timestamptz IS NULL OR c.created_at >= \(filter.createdAfter.map(DatabaseTime.text))::timestamptz)
              AND (\(filter.createdBefore.map(DatabaseTime.text))::timestamptz IS NULL OR c.created_at < \(filter.createdBefore.map(DatabaseTime.text))::timestamptz)
              AND (\(filter.updatedAfter.map(DatabaseTime.text))::timestamptz IS NULL OR c.last_event_at >= \(filter.updatedAfter.map(DatabaseTime.text))::timestamptz)
              AND (\(filter.updatedBefore.map(DatabaseTime.text))::timestamptz IS NULL OR c.last_event_at < \(filter.updatedBefore.map(DatabaseTime.text))::timestamptz)
              AND (\(filter.queue)::text IS NULL OR EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.closed_at IS NULL AND t.queue = \(filter.queue)))
              AND (\(pattern)::text IS NULL
                   OR (\(idPrefix?.first)::uuid IS NOT NULL AND c.id BETWEEN \(idPrefix?.first) AND \(idPrefix?.last))
                   OR EXISTS (
                    SELECT 1 FROM jsonb_to_recordset(\(paths.serialized())::jsonb) AS f(w text, v integer, p text)
                    WHERE f.w = c.workflow_id AND f.v = c.workflow_version
                      -- parcours_fold (migration 13): lower case, no accents. The pattern is folded
                      -- in a subquery, so once a search and not once a value.
                      AND parcours_fold(c.data #>> string_to_array(f.p, '.')) LIKE (SELECT parcours_fold(\(pattern)))))
              AND (\(filter.after)::uuid IS NULL OR c.id > \(filter.after))
            ORDER BY c.id
            LIMIT \(max(1, min(filter.limit, 501)))
            """
    }
}
