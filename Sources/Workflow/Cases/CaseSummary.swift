import Foundation

/// One field of a case's `summary` as a reader sees it: what identifies the case to a person
/// (a name, a birth date) in lists, the inbox and at the top of the case.
public struct CaseSummaryField: Sendable, Hashable {
    public var path: String
    /// The field's name for people: its `label`, or its path.
    public var label: String
    public var value: JSONValue
}

extension CaseAccess {
    /// The workflow's `summary` paths the agent may see, in the order written.
    public var visibleSummaryPaths: [String] {
        definition.summary.map(\.value).filter { mayView(field: $0) }
    }

    /// The summary of a case as the agent sees it, from its data: only the fields the agent
    /// may see, and only those with a value.
    public func summary(of data: JSONValue) -> [CaseSummaryField] {
        visibleSummaryPaths.compactMap { path in
            guard let value = data.value(at: path), !value.isNull else { return nil }
            return CaseSummaryField(path: path, label: definition.label(ofField: path), value: value)
        }
    }
}

extension CaseService {
    /// The summary of each case of a list (an inbox, a search) as the caller may see it, and
    /// the journal of the list: each case read, with the summary fields shown of it. Only the
    /// visible summary fields are read from the store; `accesses` are the caller's rules.
    public func listing(_ ids: [UUID], accesses: [CaseAccess], by caller: CaseCaller) async throws -> [UUID: [CaseSummaryField]] {
        guard !ids.isEmpty else { return [:] }
        let byVersion = CaseAccess.byVersion(accesses.filter(\.mayKnowCases))
        let wanted = byVersion.values.map {
            CaseSearch.Visibility(workflowID: $0.definition.id.value, version: $0.definition.version.value, fieldPaths: $0.visibleSummaryPaths)
        }.filter { !$0.fieldPaths.isEmpty }
        var summaries: [UUID: [CaseSummaryField]] = [:]
        var accessOf: [UUID: CaseAccess] = [:]
        for (id, row) in try await CaseFieldValues(database).read(ids, wanted: wanted) {
            guard let access = byVersion[CaseAccess.versionKey(row.workflowID, row.workflowVersion)] else { continue }
            var data = JSONValue.object([:])
            for (path, value) in row.values { try? data.setValue(value, at: path) }
            summaries[id] = access.summary(of: data)
            accessOf[id] = access
        }
        let actor = caller.actor
        try await journal.read(cases: Array(Set(ids)), shown: summaries.mapValues { $0.map(\.path) },
                               sources: try await summarySources(summaries, accessOf: accessOf, readerAgency: actor.agency),
                               by: AccessJournal.Access(actor: actor.recorded, agency: actor.agency, via: caller.via))
        return summaries
    }

    /// The summary fields shown that another administration provided, with their sources,
    /// as a case's read journals them. Read from the store only when a workflow shows such a
    /// field in its summary, which is rare.
    private func summarySources(_ summaries: [UUID: [CaseSummaryField]], accessOf: [UUID: CaseAccess], readerAgency: String?)
        async throws -> [UUID: [AccessJournal.Source]] {
        let provided = summaries.filter { id, fields in
            guard let definition = accessOf[id]?.definition else { return false }
            return fields.contains { field in definition.requests.contains { $0.provides.value == field.path } }
        }
        guard !provided.isEmpty else { return [:] }
        let received = try await RequestStore(database: database).received(cases: Array(provided.keys))
        var sources: [UUID: [AccessJournal.Source]] = [:]
        for (id, fields) in provided {
            guard let definition = accessOf[id]?.definition else { continue }
            var shown = JSONValue.object([:])
            for field in fields { try? shown.setValue(field.value, at: field.path) }
            sources[id] = AccessJournal.Source.of(received[id] ?? [], read: fields.map(\.path), data: shown, in: definition,
                                                  readerAgency: readerAgency)
        }
        return sources
    }
}
