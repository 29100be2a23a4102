extension CaseAccess {
    /// The case data with every field the agent may not see removed, and undeclared data too.
    ///
    /// Groups left empty by the filter are dropped, so that a group holding only hidden fields
    /// does not show that it has any. Keys may be dotted paths (`{"usager.nom": …}`, as data
    /// sent with an action may be): they are read as the paths they name.
    public func visibleData(_ data: JSONValue) -> JSONValue {
        guard mayKnowCases, let members = data.objectValue else { return .object([:]) }
        return .object(visibleMembers(members, prefix: ""))
    }

    /// The visible part of a case: its data, and the context of its escalations.
    public func visibleSnapshot(_ snapshot: CaseSnapshot) -> CaseSnapshot {
        var visible = snapshot
        visible.data = visibleData(snapshot.data)
        visible.tasks = snapshot.tasks.map(visibleTask)
        return visible
    }

    /// A task with the context of its escalation, if any, limited to what the agent sees.
    public func visibleTask(_ task: CaseTask) -> CaseTask {
        var visible = task
        visible.escalation = task.escalation.map(visibleEscalation)
        return visible
    }

    /// A case as read from the store, with its data, tasks and history limited to what the agent sees.
    public func visibleRecord(_ record: CaseRecord) -> CaseRecord {
        var visible = record
        visible.snapshot = visibleSnapshot(record.snapshot)
        let asReferent = record.snapshot.referent == agent.id
        visible.history = record.history.map { history in
            var entry = history
            entry.entry = visibleHistory(history.entry, asReferent: asReferent)
            return entry
        }
        return visible
    }

    private func visibleMembers(_ members: [String: JSONValue], prefix: String) -> [String: JSONValue] {
        var kept: [String: JSONValue] = [:]
        for (key, value) in members {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if let declared = declaredField(covering: path) {
                if fieldVisibility[declared] == true { kept[key] = value }
            } else if definition.isGroup(path), let inner = value.objectValue {
                let visible = visibleMembers(inner, prefix: path)
                if !visible.isEmpty { kept[key] = .object(visible) }
            }
        }
        return kept
    }
}
