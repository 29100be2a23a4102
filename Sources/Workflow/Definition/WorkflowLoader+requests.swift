import Foundation

extension WorkflowLoader {
    static let requestKeys = ["label", "to", "kind", "provides", "legal_basis", "consent", "sla", "on_timeout", "fallback"]

    /// `requests:`, a mapping of request ids to their keys (language brief, "Requests to
    /// other administrations").
    mutating func readRequests(_ node: YAMLNode) -> [RequestDefinition] {
        readNamed(reader.namedEntries(node, what: "'requests'")) { loader, entry in loader.readRequest(entry) }
    }

    private mutating func readRequest(_ entry: YAMLMappingEntry) -> RequestDefinition? {
        guard let id = identifierKey(entry, what: "request") else { return nil }
        let what = "request '\(entry.key)'"
        guard let entries = reader.mapping(entry.value, what: what, allowed: Self.requestKeys) else { return nil }
        let keys = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for key in ["to", "kind", "provides", "legal_basis", "sla"] where keys[key] == nil {
            reader.error("\(what) has no '\(key)'; \(Self.requestKeyHints[key]!)", at: entry.keyLocation)
        }
        let to = keys["to"].flatMap { reader.identifier($0.value, what: "'to' of \(what)") }
        let provides = keys["provides"].flatMap { reader.string($0.value, what: "'provides' of \(what)") }
        let legalBasis = keys["legal_basis"].flatMap { reader.string($0.value, what: "'legal_basis' of \(what)") }
        let sla = keys["sla"].flatMap { reader.duration($0.value, what: "'sla' of \(what)") }
        let kind = keys["kind"].flatMap { entry -> RequestDefinition.Kind? in
            guard let word = reader.identifier(entry.value, what: "'kind' of \(what)") else { return nil }
            guard let kind = RequestDefinition.Kind(rawValue: word.value) else {
                reader.error("'kind' of \(what) is '\(word.value)'; write 'document' (the answer is a document of the issuer) or 'opinion'", at: word.location)
                return nil
            }
            return kind
        }
        var consent = RequestDefinition.Consent.required
        if let word = keys["consent"].flatMap({ reader.identifier($0.value, what: "'consent' of \(what)") }) {
            if let value = RequestDefinition.Consent(rawValue: word.value) {
                consent = value
            } else {
                reader.error("'consent' of \(what) is '\(word.value)'; write 'required' (sent only while the citizen consents) or 'not-required' (a legal basis allows it without)", at: word.location)
            }
        }
        let onTimeout = keys["on_timeout"].flatMap { readTarget($0.value, what: "'on_timeout' of \(what)") }
        let fallback = keys["fallback"].flatMap { readFallback($0.value, what: "'fallback' of \(what)") }
        if let legalBasis, legalBasis.value.trimmingCharacters(in: .whitespaces).isEmpty {
            reader.error("'legal_basis' of \(what) is empty; say why this administration may ask, the citizen is shown it", at: legalBasis.location)
        }
        if let sla, sla.value.isZero {
            reader.error("'sla' of \(what) is zero; give the answering agency a delay, such as '15d'", at: sla.location)
        }
        if keys["on_timeout"] == nil, keys["fallback"] == nil {
            reader.error("\(what) says nothing of what happens when it is not answered; add 'fallback: { ask: usager }' (the citizen provides it) or 'on_timeout: { escalate: CODE }'", at: entry.keyLocation)
        } else if consent == .required, keys["fallback"] == nil {
            reader.error("\(what) needs the citizen's consent but has no 'fallback' for when it is not given; add 'fallback: { ask: usager }' (the citizen provides it) or '{ to: STATE }'", at: entry.keyLocation)
        }
        guard let to, let kind, let provides, let legalBasis, let sla else { return nil }
        return RequestDefinition(id: id, label: keys["label"].flatMap { reader.string($0.value, what: "'label' of \(what)")?.value },
                                 to: to, kind: kind, provides: provides, legalBasis: legalBasis.value, consent: consent, sla: sla,
                                 onTimeout: onTimeout, fallback: fallback)
    }

    /// `fallback:`, written `{ ask: usager }`, `{ to: STATE }` or `{ escalate: CODE }`.
    private mutating func readFallback(_ node: YAMLNode, what: String) -> RequestFallback? {
        guard let entries = reader.mapping(node, what: what, allowed: ["ask", "to", "escalate"]) else { return nil }
        let keys = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        guard let ask = keys["ask"] else { return readTarget(keys: keys, at: node.location, what: what).map(RequestFallback.target) }
        if let other = keys["to"] ?? keys["escalate"] {
            reader.error("\(what) has both 'ask' and '\(other.key)'; keep one", at: other.keyLocation)
            return nil
        }
        guard let who = reader.identifier(ask.value, what: "'ask' of \(what)") else { return nil }
        guard who.value == "usager" else {
            reader.error("'ask' of \(what) is '\(who.value)'; only 'usager' (the citizen provides it) can be asked", at: who.location)
            return nil
        }
        return .askCitizen(who)
    }

    static let requestKeyHints = [
        "to": "name the agency that answers, such as 'to: etat-civil'",
        "kind": "write 'kind: document' or 'kind: opinion'",
        "provides": "name the field the answer fills, such as 'provides: pieces.acte_naissance'",
        "legal_basis": "say why this administration may ask, such as 'legal_basis: \"CRPA L114-8\"'; the citizen is shown it",
        "sla": "give the answering agency a delay, such as 'sla: 15d'; the request owns the case until then",
    ]
}

extension WorkflowDefinition {
    /// An opinion is read, by default, by the requesting agencies and the answering one only
    /// (language brief): its field, when it says no `visible_to`, is given those agencies.
    /// The requesting agencies are the parties of the states that open the request.
    mutating func restrictOpinions() {
        for request in requests where request.kind == .opinion {
            guard let index = fields.firstIndex(where: { $0.path.value == request.provides.value }),
                  fields[index].visibleTo.isEmpty else { continue }
            var agencies = [request.to.value]
            for state in states + states.flatMap(\.trackStates) where state.requests.contains(where: { $0.value == request.id.value }) {
                if agency(state.waitingOn.value) != nil, !agencies.contains(state.waitingOn.value) { agencies.append(state.waitingOn.value) }
            }
            fields[index].visibleTo = agencies.map { Located(AccessSubject.agency($0), at: request.provides.location) }
        }
    }
}

extension StateDefinition {
    /// The states of a parallel state's tracks; none for any other kind.
    var trackStates: [StateDefinition] {
        guard case .parallel(let parallel) = kind else { return [] }
        return parallel.tracks.flatMap(\.states)
    }
}
