extension WorkflowLoader {
    static let transitionKeys = ["to", "escalate", "when", "requires", "set", "by", "note", "label"]
    static let ruleKeys = ["when", "to", "escalate"]
    static let timedExitKeys = ["delay", "to", "escalate"]

    /// `on:` or `global_actions:`: action names mapped to transitions.
    mutating func readActions(_ node: YAMLNode, what: String) -> [TransitionDefinition] {
        reader.namedEntries(node, what: what).compactMap { entry in
            guard let action = identifierKey(entry, what: "action") else { return nil }
            let label = "action '\(entry.key)'"
            guard let entries = reader.mapping(entry.value, what: label, allowed: Self.transitionKeys) else { return nil }
            let keys = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            guard let target = readTarget(keys: keys, at: entry.keyLocation, what: label) else { return nil }
            var note = NoteRequirement.optional
            if let noteEntry = keys["note"], let text = reader.string(noteEntry.value, what: "'note'") {
                if let value = NoteRequirement(rawValue: text.value) {
                    note = value
                } else {
                    reader.error("'note' must be 'required' (the person must justify) or 'optional', found '\(text.value)'", at: text.location)
                }
            }
            return TransitionDefinition(
                action: action, target: target,
                when: keys["when"].flatMap { reader.expression($0.value, what: "the guard of \(label)") },
                requires: keys["requires"].map { reader.stringList($0.value, what: "'requires'") } ?? [],
                assignments: keys["set"].map { readAssignments($0.value) } ?? [],
                firedBy: keys["by"].map { reader.stringList($0.value, what: "'by'") } ?? [],
                note: note,
                label: keys["label"].flatMap { reader.label($0.value, what: "the 'label' of \(label)") })
        }
    }

    /// `to: STATE` or `escalate: CODE`, exactly one of them.
    mutating func readTarget(keys: [String: YAMLMappingEntry], at location: SourceLocation, what: String) -> TransitionTarget? {
        switch (keys["to"], keys["escalate"]) {
        case (let to?, nil):
            return reader.identifier(to.value, what: "'to'").map(TransitionTarget.state)
        case (nil, let code?):
            return reader.identifier(code.value, what: "'escalate'").map(TransitionTarget.escalate)
        case (.some, let code?):
            reader.error("\(what) has both 'to' and 'escalate'; keep 'to' to move the case, or 'escalate' to send it to a person", at: code.keyLocation)
            return nil
        case (nil, nil):
            reader.error("\(what) says neither where the case goes ('to: STATE') nor why it is escalated ('escalate: CODE')", at: location)
            return nil
        }
    }

    /// `otherwise:`, written `{ to: STATE }` or `{ escalate: CODE }`.
    mutating func readTarget(_ node: YAMLNode, what: String) -> TransitionTarget? {
        guard let entries = reader.mapping(node, what: what, allowed: ["to", "escalate"]) else { return nil }
        let keys = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        return readTarget(keys: keys, at: node.location, what: what)
    }

    mutating func readRules(_ node: YAMLNode, state: String) -> [ChooseRule] {
        let rules: [ChooseRule] = readItems(node, allowed: Self.ruleKeys, name: { "rule \($0) of 'choose' in state '\(state)'" },
                              notAList: "'choose' must be a list of rules, each '- when: CONDITION' with 'to' or 'escalate'") { loader, keys, item, what in
            guard let whenEntry = keys["when"] else {
                loader.reader.error("\(what) has no 'when'; a rule without a condition is written as 'otherwise:' after the list", at: item.location)
                return nil
            }
            guard let when = loader.reader.expression(whenEntry.value, what: "the condition of \(what)"),
                  let target = loader.readTarget(keys: keys, at: item.location, what: what) else { return nil }
            return ChooseRule(when: when, target: target, location: item.location)
        }
        if node.sequence?.isEmpty == true {
            reader.error("'choose' has no rule; add at least one '- when: … to: …'", at: node.location)
        }
        return rules
    }

    mutating func readTimedExits(_ node: YAMLNode) -> [TimedExit] {
        readItems(node, allowed: Self.timedExitKeys, name: { "entry \($0) of 'after'" },
                  notAList: "'after' must be a list such as '- { delay: 10d, to: relance }'") { loader, keys, item, what in
            guard let delayEntry = keys["delay"] else {
                loader.reader.error("\(what) has no 'delay'; say how long after entering the state it applies, such as 'delay: 10d'", at: item.location)
                return nil
            }
            guard let delay = loader.reader.duration(delayEntry.value, what: "'delay'"),
                  let target = loader.readTarget(keys: keys, at: item.location, what: what) else { return nil }
            return TimedExit(delay: delay, target: target, location: item.location)
        }
    }

    /// A list whose items are mappings of known keys (`choose`, `after`), each read by `read`
    /// with its keys, its node and its name for messages ("rule 2 of 'choose'…").
    private mutating func readItems<T>(_ node: YAMLNode, allowed: [String], name: (Int) -> String, notAList: String,
                                       _ read: (inout WorkflowLoader, [String: YAMLMappingEntry], YAMLNode, String) -> T?) -> [T] {
        guard let items = node.sequence else {
            reader.error("\(notAList); found \(node.kindName)", at: node.location)
            return []
        }
        return items.enumerated().compactMap { index, item in
            let what = name(index + 1)
            guard let entries = reader.mapping(item, what: what, allowed: allowed) else { return nil }
            let keys = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            return read(&self, keys, item, what)
        }
    }

    mutating func readAssignments(_ node: YAMLNode) -> [FieldAssignment] {
        reader.namedEntries(node, what: "'set'").compactMap { entry in
            guard let value = reader.expression(entry.value, what: "the value set to '\(entry.key)'") else { return nil }
            return FieldAssignment(field: Located(entry.key, at: entry.keyLocation), value: value)
        }
    }
}
