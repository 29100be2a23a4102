extension WorkflowDiff {
    /// The diff as JSON, for `workflow diff --json` and the API.
    public var json: JSONValue {
        func side(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "workflow": .string(workflowID),
            "from_version": .number(JSONNumber(fromVersion)),
            "to_version": .number(JSONNumber(toVersion)),
            "identical": .bool(isEmpty),
            "changes": .array(changes.map { change in
                .object(["section": .string(change.section.rawValue), "name": .string(change.name),
                         "change": .string(change.kind.rawValue),
                         "differences": .array(change.differences.map {
                             .object(["attribute": .string($0.attribute), "from": side($0.from), "to": side($0.to)])
                         })])
            }),
        ])
    }

    /// The diff for people, one section after the other: `+` added, `-` removed, `~` changed,
    /// with what differs indented below.
    public var text: String {
        guard !isEmpty else { return "\(workflowID): versions \(fromVersion) and \(toVersion) are the same\n" }
        var lines = ["\(workflowID): version \(fromVersion) -> \(toVersion)"]
        for section in Section.allCases {
            let inSection = changes.filter { $0.section == section }
            guard !inSection.isEmpty else { continue }
            lines.append("\(section.rawValue):")
            for change in inSection {
                let mark = switch change.kind { case .added: "+"; case .removed: "-"; case .changed: "~" }
                lines.append("  \(mark) \(change.name)")
                for difference in change.differences {
                    switch change.kind {
                    case .added: lines.append("      \(difference.attribute): \(difference.to ?? "")")
                    case .removed: lines.append("      \(difference.attribute): \(difference.from ?? "")")
                    case .changed:
                        lines.append("      \(difference.attribute): \(difference.from ?? "(none)") -> \(difference.to ?? "(none)")")
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
