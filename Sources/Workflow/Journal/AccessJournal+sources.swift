import Foundation

extension AccessJournal.Source {
    /// An answer received for a case: the request, the agency that gave it, the field it filled.
    struct Received: Sendable, Hashable {
        var request: String
        var agency: String
        var field: String
    }

    /// The sources of the fields read among those received: one per answered request whose
    /// field was read, named as the workflow names it, the reader's agency named for the
    /// person's words. The one rule for a case's read, a list's summary and the feed.
    static func of(_ received: [Received], read fields: [String], in definition: WorkflowDefinition,
                   readerAgency: String?) -> [AccessJournal.Source] {
        let read = Set(fields)
        let readerName = readerAgency.map { definition.agency($0)?.name ?? $0 }
        return received.filter { read.contains($0.field) }.compactMap { answer in
            guard let request = definition.request(answer.request) else { return nil }
            return AccessJournal.Source(field: answer.field, request: answer.request, label: request.title, to: answer.agency,
                                        toName: definition.agency(answer.agency)?.name ?? answer.agency,
                                        legalBasis: request.legalBasis, readerName: readerName)
        }
    }
}
