import ArgumentParser
import Foundation
import Workflow

extension CasesCommand {
    /// Applies one event to a case as the operator and prints the case after it: a refusal
    /// exits 1 with its code and field, a stale expected version exits 3.
    static func apply(_ kind: CaseEvent.Kind, note: String?, noteVisibleTo: [String]? = nil, to caseID: UUID, expectedVersion: Int?,
                      command: String, output: OutputOptions, database: DatabaseOptions) async throws {
        try await database.withSession { session in
            let request = CaseRequest(kind, note: note, noteVisibleTo: noteVisibleTo, expectedVersion: expectedVersion)
            let reading = try await CaseInput.exitingOnFailure {
                try await session.door.withHistory(try await session.door.change(caseID, request, by: Operator.caller("cli: cases \(command)")))
            }
            output.print(reading)
        }
    }
}
