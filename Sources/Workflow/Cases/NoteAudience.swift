/// Who may read a note: `note_visible_to` as the language brief says ("Notes are confidential
/// by default"). Agencies of the workflow, roles written `role:ID`, or `all`; the author's
/// own agency when the author names none. An override's justification and an escalation's
/// reason explain the path: every agency that knows the case reads them.
public enum NoteAudience {
    /// Every agency that knows the case.
    public static let everyone = "all"

    /// The audience to store for a note of `rules`' caller: `requested` checked against the
    /// workflow (problems point into `note_visible_to`), else the default.
    /// `referent` is the case's referent: their notes are for every agency of the case by
    /// default (their job is coordination).
    static func resolve(_ requested: [String]?, kind: CaseEvent.Kind, rules: CaseRules, referent: String? = nil) throws(CaseFailure) -> [String] {
        if explainsThePath(kind) { return [everyone] }
        guard let requested, !requested.isEmpty else {
            if let referent, case .agent(let agent) = rules.caller.kind, agent.id == referent { return [everyone] }
            return defaultAudience(rules)
        }
        var problems: [CaseFailure.Problem] = []
        for (index, subject) in requested.enumerated() {
            let known: Bool
            if subject == everyone {
                known = true
            } else if subject.hasPrefix("role:") {
                known = rules.definition.role(String(subject.dropFirst("role:".count))) != nil
            } else {
                known = rules.definition.agency(subject) != nil
            }
            if !known {
                problems.append(.init("'\(subject)' is neither an agency nor a role ('role:ID') of workflow '\(rules.definition.id.value)', nor 'all'",
                                      pointer: "/note_visible_to/\(index)"))
            }
        }
        guard problems.isEmpty else {
            throw CaseFailure(.invalid, "'note_visible_to' names who may read the note: agencies, 'role:ID's or 'all'", problems: problems)
        }
        return Array(Set(requested)).sorted()
    }

    /// The author's agency; every agency for an operator, who has none.
    static func defaultAudience(_ rules: CaseRules) -> [String] {
        rules.actor.agency.map { [$0] } ?? [everyone]
    }

    /// Overrides and raised escalations: their note is the justification or the reason.
    static func explainsThePath(_ kind: CaseEvent.Kind) -> Bool {
        switch kind {
        case .override, .raise: true
        default: false
        }
    }
}
