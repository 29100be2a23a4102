import Foundation
import PostgresNIO

/// A few fields of many cases at once: the summary of each row of a list. Only the paths
/// asked for each case's workflow version are read, so a field the reader may not see never
/// leaves the database.
public struct CaseFieldValues: Sendable {
    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// The values read of one case, and the workflow version whose paths they are.
    public struct Row: Sendable {
        public var workflowID: String
        public var workflowVersion: Int
        public var values: [String: JSONValue]
    }

    /// For each case of `ids` that has some, the values at the paths `wanted` gives its
    /// workflow version; absent and null values are left out.
    public func read(_ ids: [UUID], wanted: [CaseSearch.Visibility]) async throws -> [UUID: Row] {
        let paths = JSONValue.array(wanted.flatMap { entry in
            entry.fieldPaths.map { JSONValue.object(["w": .string(entry.workflowID), "v": .number(JSONNumber(entry.version)), "p": .string($0)]) }
        })
        guard !ids.isEmpty, !(paths.arrayValue ?? []).isEmpty else { return [:] }
        var result: [UUID: Row] = [:]
        do {
            let rows = try await database.client.query("""
                SELECT c.id, c.workflow_id, c.workflow_version, f.p, (c.data #> string_to_array(f.p, '.'))::text FROM cases c
                JOIN jsonb_to_recordset(\(paths.serialized())::jsonb) AS f(w text, v integer, p text)
                  ON f.w = c.workflow_id AND f.v = c.workflow_version
                WHERE c.id = ANY(\(ids)) AND jsonb_typeof(c.data #> string_to_array(f.p, '.')) <> 'null'
                """, logger: database.logger)
            for try await (id, workflowID, version, path, value) in rows.decode((UUID, String, Int, String, String).self) {
                result[id, default: Row(workflowID: workflowID, workflowVersion: version, values: [:])].values[path] = try JSONValue(parsing: value)
            }
        } catch {
            throw Database.storeError(error)
        }
        return result
    }
}
