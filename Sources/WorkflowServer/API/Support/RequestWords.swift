import Foundation
import Workflow

/// Requests to other administrations as the case read and the portal show them.
enum RequestWords {
    /// Where the person's consent to a request stands: `not-required`, `given`, `revoked`
    /// or `not-given` (opt-in: nothing recorded is not given).
    static func consent(_ request: String, _ snapshot: CaseSnapshot, _ definition: WorkflowDefinition) -> String {
        if definition.request(request)?.consent == .notRequired { return "not-required" }
        guard let consent = snapshot.consents[request] else { return "not-given" }
        return consent.granted ? "given" : "revoked"
    }

    /// Every request of the workflow, so that the person may consent before it is sent: its
    /// label, the administration asked, the legal basis, the consent, and whether and when
    /// its latest opening was sent and answered.
    static func portal(_ snapshot: CaseSnapshot, _ definition: WorkflowDefinition) -> [JSONValue] {
        definition.requests.map { request in
            let id = request.id.value
            let run = snapshot.requests.last { $0.request == id }
            let sent = run?.wasSent ?? false
            return .object([
                "request": .string(id), "label": .string(request.title), "to": .string(request.to.value),
                "agency_name": .string(definition.agency(request.to.value)?.name ?? request.to.value),
                "kind": .string(request.kind.rawValue), "legal_basis": .string(request.legalBasis),
                "consent": .string(consent(id, snapshot, definition)),
                "consent_at": JSONResponse.time(snapshot.consents[id]?.at),
                "status": run.map { .string($0.status.rawValue) } ?? .null,
                "sent": .bool(sent), "sent_at": sent ? JSONResponse.time(run?.openedAt) : .null,
                "answered_at": run?.status == .answered ? JSONResponse.time(run?.closedAt) : .null,
                // The door says whether it still stands before the data goes (`CaseRules.visible`).
                "asked_of_you": .bool(run?.askedCitizen == true),
            ])
        }
    }
}
