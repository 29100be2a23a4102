import Foundation

extension AccessJournal.Source {
    /// An answer received for a case: the request, the agency that gave it, the field it
    /// filled, and the digest of the value it gave (nil when not known: the feed's events
    /// say themselves which values they show were provided).
    struct Received: Sendable, Hashable {
        var request: String
        var agency: String
        var field: String
        var digest: String?
    }

    /// The digest of a value received, as `RequestRun.answerDigest` keeps it.
    static func digest(_ value: JSONValue) -> String {
        SHA256Digest.hex(value.serialized())
    }

    /// Whether `data` still holds at `field` the value received whose digest is `digest` (one
    /// received before digests were kept, nil, is taken as held).
    static func stillHeld(_ digest: String?, at field: String, in data: JSONValue) -> Bool {
        guard let digest else { return true }
        return data.value(at: field).map(Self.digest) == digest
    }

    /// The sources of the fields read among those received: one per answered request whose
    /// field was read and still holds the value the agency gave (in `data`; a value replaced
    /// since, by the person or a correction, is no longer the agency's), named as the
    /// workflow names it, the reader's agency named for the person's words. The one rule for
    /// a case's read, a list's summary and the feed.
    static func of(_ received: [Received], read fields: [String], data: JSONValue?, in definition: WorkflowDefinition,
                   readerAgency: String?) -> [AccessJournal.Source] {
        let read = Set(fields)
        let readerName = readerAgency.map { definition.agency($0)?.name ?? $0 }
        return received.filter { answer in
            read.contains(answer.field) && (data.map { stillHeld(answer.digest, at: answer.field, in: $0) } ?? true)
        }.compactMap { answer in
            guard let request = definition.request(answer.request) else { return nil }
            return AccessJournal.Source(field: answer.field, request: answer.request, label: request.title, to: answer.agency,
                                        toName: definition.agency(answer.agency)?.name ?? answer.agency,
                                        legalBasis: request.legalBasis, readerName: readerName)
        }
    }
}
