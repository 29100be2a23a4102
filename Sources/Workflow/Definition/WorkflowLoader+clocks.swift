extension WorkflowLoader {
    static let clockKeys = ["label", "duration", "starts_on", "suspended_in", "on_resume", "stops_on", "warn_before",
                            "on_expiry", "silence"]

    /// `clocks:`, a mapping of clock ids to their keys (language brief, "Legal clocks").
    mutating func readClocks(_ node: YAMLNode) -> [ClockDefinition] {
        reader.namedEntries(node, what: "'clocks'").compactMap { entry in
            guard let id = identifierKey(entry, what: "clock") else { return nil }
            let what = "clock '\(entry.key)'"
            guard let entries = reader.mapping(entry.value, what: what, allowed: Self.clockKeys) else { return nil }
            let keys = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            for key in ["duration", "starts_on", "on_expiry"] where keys[key] == nil {
                reader.error("\(what) has no '\(key)'; \(Self.clockKeyHints[key]!)", at: entry.keyLocation)
            }
            let duration = keys["duration"].flatMap { reader.duration($0.value, what: "'duration' of \(what)") }
            let startsOn = keys["starts_on"].map { reader.stringList($0.value, what: "'starts_on' of \(what)") } ?? []
            let suspendedIn = keys["suspended_in"].map { reader.stringList($0.value, what: "'suspended_in' of \(what)") } ?? []
            let stopsOn = keys["stops_on"].map { reader.stringList($0.value, what: "'stops_on' of \(what)") } ?? []
            let warnBefore = keys["warn_before"].flatMap { reader.duration($0.value, what: "'warn_before' of \(what)") }
            let onExpiry = keys["on_expiry"].flatMap { readTarget($0.value, what: "'on_expiry' of \(what)") }
            var onResume = ClockDefinition.ResumeRule.restart
            if let resume = keys["on_resume"] {
                if let word = reader.identifier(resume.value, what: "'on_resume' of \(what)") {
                    if let rule = ClockDefinition.ResumeRule(rawValue: word.value) {
                        onResume = rule
                    } else {
                        reader.error("'on_resume' of \(what) is '\(word.value)'; write 'restart' (the delay runs again from zero, CRPA L114-5) or 'continue' (the suspension is not counted)", at: word.location)
                    }
                }
            } else if !suspendedIn.isEmpty {
                reader.error("\(what) is suspended in some states but does not say what happens when the suspension ends; add 'on_resume: restart' (from zero, as CRPA L114-5 for a file completed) or 'on_resume: continue'", at: keys["suspended_in"]!.keyLocation)
            }
            var silence = ClockDefinition.Silence.none
            if let word = keys["silence"].flatMap({ reader.identifier($0.value, what: "'silence' of \(what)") }) {
                if let value = ClockDefinition.Silence(rawValue: word.value) {
                    silence = value
                } else {
                    reader.error("'silence' of \(what) is '\(word.value)'; write 'accord' (silence vaut accord), 'rejet' (silence vaut rejet) or 'none'", at: word.location)
                }
            }
            guard let duration, let onExpiry else { return nil }
            if duration.value.isZero {
                reader.error("'duration' of \(what) is zero; a clock needs a length, such as '2mo' or '10bd'", at: duration.location)
            }
            return ClockDefinition(id: id, label: keys["label"].flatMap { reader.string($0.value, what: "'label' of \(what)")?.value },
                                   duration: duration, startsOn: startsOn, suspendedIn: suspendedIn, onResume: onResume,
                                   stopsOn: stopsOn, warnBefore: warnBefore, onExpiry: onExpiry, silence: silence)
        }
    }

    static let clockKeyHints = [
        "duration": "say how long it runs, such as 'duration: 2mo' or 'duration: 10bd'",
        "starts_on": "name the states whose entry starts it, such as 'starts_on: [instruction]'",
        "on_expiry": "say what its expiry does: '{ to: STATE }' (a decision by silence) or '{ escalate: clock-expired }'",
    ]
}
