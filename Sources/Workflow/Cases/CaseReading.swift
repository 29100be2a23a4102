import Foundation

/// A case as one caller may see it: what the door returns from every read and change.
public struct CaseReading: Sendable {
    /// The case limited to what the caller may see: data, escalation contexts, history and notes.
    public var record: CaseRecord
    /// The rules the caller was judged by (their roles here, what they see and may edit).
    public var rules: CaseRules
    /// The actions the caller may fire now (none on a closed case).
    public var actions: [AvailableAction]
    /// The legal clocks the case has started, with their computation (no case data in them).
    public var clocks: [CaseClock] = []

    public var id: UUID { record.id }
    public var definition: WorkflowDefinition { rules.definition }
}
