import Foundation

/// A case's history as a person reads it: what people did (and what the engine did on its
/// own, a timer firing), each followed by the bookkeeping the same change wrote (states
/// entered, tasks opened and closed, tracks, escalations raised by rules). Creating and
/// depositing a case writes a dozen entries; a reader wants the two acts first, the rest
/// within reach. Nothing is dropped: every entry is a lead or follows one.
public struct CaseTimelineStep: Sendable {
    /// A person's entry, or the first entry of a change no person made.
    public var lead: HistoryRecord
    /// The entries the same change wrote besides the lead, in the order written.
    public var followers: [HistoryRecord]
}

public enum CaseTimeline {
    /// The events that record what a person did. `reopened` is not among them: it is the
    /// bookkeeping of the override that reopened the case.
    public static let peoplesEvents: Set<String> = [
        "created", "action", "note", "override", "evaluated", "data-corrected", "handed-over",
        "task-claimed", "task-released", "task-assigned",
    ]
    /// Events that do not change the case's version: their entry shares the version of the
    /// change before them, so they never take that change's bookkeeping.
    static let versionless: Set<String> = ["task-claimed", "task-released", "task-assigned"]

    /// The history (oldest first, as stored) in steps, oldest first.
    public static func steps(_ history: [HistoryRecord]) -> [CaseTimelineStep] {
        var steps: [CaseTimelineStep] = []
        for record in history {
            let event = record.entry.event
            let last = steps.last
            let sameChange = last.map { $0.lead.caseVersion == record.caseVersion } ?? false
            if peoplesEvents.contains(event) {
                var step = CaseTimelineStep(lead: record, followers: [])
                // Bookkeeping written before the person's entry in the same change (a hand-over
                // closes the task first) belongs to it.
                if let last, sameChange, !versionless.contains(event), !peoplesEvents.contains(last.lead.entry.event) {
                    steps.removeLast()
                    step.followers = [last.lead] + last.followers
                }
                steps.append(step)
            } else if sameChange {
                steps[steps.count - 1].followers.append(record)
            } else {
                steps.append(CaseTimelineStep(lead: record, followers: []))
            }
        }
        return steps
    }
}
