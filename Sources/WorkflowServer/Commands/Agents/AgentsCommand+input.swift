import ArgumentParser
import Foundation
import Workflow

extension AgentsCommand {
    /// `--roles r1,r2`: ids separated by commas; blanks around them are ignored.
    static func roles(_ text: String) throws -> Set<String> {
        Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    /// `--expires 90d`: a duration of the workflow language.
    static func duration(_ text: String) throws -> WorkflowDuration {
        do {
            return try WorkflowDuration.parse(text)
        } catch {
            throw ValidationError("--expires: \(error.message)")
        }
    }

    /// The moment `duration` from now (months and business days as the workflow language counts them).
    static func fromNow(_ duration: WorkflowDuration) throws -> Date {
        do {
            return try duration.added(to: Date())
        } catch {
            throw ValidationError("--expires \(duration): \(error)")
        }
    }
}
