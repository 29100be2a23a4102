/// A request to another administration for a document or an opinion (language brief,
/// "Requests to other administrations"): the engine asks, so the citizen carries nothing.
public struct RequestDefinition: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A document the answering agency issued (its answer fills a `document` field).
        case document
        /// An opinion, read by default by the requesting and the answering agencies only.
        case opinion
    }

    /// Whether the request may be sent without the citizen's standing consent.
    public enum Consent: String, Sendable, CaseIterable {
        case required
        case notRequired = "not-required"
    }

    public var id: Located<String>
    public var label: String?
    /// The agency that answers.
    public var to: Located<String>
    public var kind: Kind
    /// The field the answer fills.
    public var provides: Located<String>
    /// Why this administration may ask, shown to the citizen.
    public var legalBasis: String
    public var consent: Consent
    /// How long the answering agency has: a timer that owns the case while the request is open.
    public var sla: Located<WorkflowDuration>
    /// What the sla's expiry does; absent, the fallback applies.
    public var onTimeout: TransitionTarget?
    /// What happens without consent or on a refusal; absent, `on_timeout` applies.
    public var fallback: RequestFallback?

    public init(id: Located<String>, label: String? = nil, to: Located<String>, kind: Kind, provides: Located<String>,
                legalBasis: String, consent: Consent, sla: Located<WorkflowDuration>, onTimeout: TransitionTarget? = nil,
                fallback: RequestFallback? = nil) {
        self.id = id
        self.label = label
        self.to = to
        self.kind = kind
        self.provides = provides
        self.legalBasis = legalBasis
        self.consent = consent
        self.sla = sla
        self.onTimeout = onTimeout
        self.fallback = fallback
    }

    /// The label for people: `label`, else the id.
    public var title: String { label ?? id.value }

    /// What a refusal, a missing or revoked consent does: the fallback, else `on_timeout`.
    public var whenNotAnswered: RequestFallback? { fallback ?? onTimeout.map(RequestFallback.target) }

    /// What the sla's expiry does: `on_timeout`, else the fallback.
    public var whenLate: RequestFallback? { onTimeout.map(RequestFallback.target) ?? fallback }
}

/// Where a request that gets no answer leads.
public enum RequestFallback: Sendable {
    /// `ask: usager`: the case waits on the citizen to provide the field, explicitly.
    case askCitizen(Located<String>)
    /// `to: STATE` (of the machine of the state that opened the request) or `escalate: CODE`.
    case target(TransitionTarget)

    /// Whether the case stays in the state that opened the request (the person asked, or an
    /// escalation beside it), rather than moving on.
    public var keepsTheCase: Bool {
        switch self {
        case .askCitizen: true
        case .target(let target): target.state == nil
        }
    }
}
