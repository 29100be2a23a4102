import Foundation

/// A case as read back from the database: its snapshot and its history.
public struct CaseRecord: Sendable {
    public var snapshot: CaseSnapshot
    public var citizenRef: String?
    public var closedAt: Date?
    public var history: [HistoryRecord]
    /// Each agency's own reference for the case (`case_external_refs`), by agency.
    public var externalRefs: [String: String] = [:]
    /// The agency of the case's referent (`snapshot.referent`), read with the case: what the
    /// portal names as the administration to contact.
    public var referentAgency: String?

    public init(snapshot: CaseSnapshot, citizenRef: String?, closedAt: Date?, history: [HistoryRecord],
                externalRefs: [String: String] = [:]) {
        self.snapshot = snapshot
        self.citizenRef = citizenRef
        self.closedAt = closedAt
        self.history = history
        self.externalRefs = externalRefs
    }

    public var id: UUID { snapshot.id }
}

/// A history entry as stored, with its sequence number and the case version it produced.
public struct HistoryRecord: Sendable {
    public var sequence: Int64
    public var caseVersion: Int
    public var entry: HistoryEntry
}
