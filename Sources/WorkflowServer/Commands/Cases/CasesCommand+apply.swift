import ArgumentParser
import Foundation
import Workflow

extension CasesCommand {
    /// Applies one event to a case as the operator and prints the case after it: a refusal
    /// exits 1 with its code and field, a stale expected version exits 3.
    static func apply(_ kind: CaseEvent.Kind, note: String?, to caseID: UUID, expectedVersion: Int?,
                      output: OutputOptions, database: DatabaseOptions) async throws {
        try await database.withSession { session in
            let event = CaseEvent(kind, actor: Operator.actor, note: note)
            let record = try await CaseInput.exitingOnFailure {
                try await session.cases.apply(event, toCase: caseID, expectedVersion: expectedVersion)
            }
            output.print(record)
        }
    }
}
