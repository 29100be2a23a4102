import ArgumentParser
import Foundation
import Workflow

/// Writing to standard error without interleaving with standard output's buffering.
enum Output {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// `--json` for every command that prints a case.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON for scripts instead of text for people.")
    var json = false

    /// A case as the door returned it: whose move it is comes from its workflow.
    func print(_ reading: CaseReading) {
        let whoseMove = reading.record.snapshot.whoseMove(in: reading.definition)
        Swift.print(json ? CaseOutput.json(reading.record, whoseMove: whoseMove, clocks: reading.clocks).serialized()
                         : CaseOutput.text(reading.record, whoseMove: whoseMove, clocks: reading.clocks))
    }

    func print(_ cases: [CaseStore.Summary]) {
        if json {
            Swift.print(JSONValue.array(cases.map { summary in
                .object([
                    "id": .string(summary.id.lowercasedString), "workflow": .string(summary.workflowID),
                    "state": .string(summary.state), "status": .string(summary.status),
                    "whose_move": .array(summary.whoseMove.map(JSONValue.string)), "escalated": .bool(summary.escalated),
                    "version": .number(JSONNumber(summary.version)),
                    "last_event_at": .string(CaseOutput.format(summary.lastEventAt)),
                ])
            }).serialized())
            return
        }
        for summary in cases {
            Swift.print([summary.id.lowercasedString, summary.workflowID, summary.state, summary.status,
                         summary.whoseMove.isEmpty ? "" : "waiting on \(summary.whoseMove.joined(separator: ", "))", summary.escalated ? "ESCALATED" : "",
                         "v\(summary.version)", CaseOutput.format(summary.lastEventAt)].filter { !$0.isEmpty }.joined(separator: "  "))
        }
    }
}

/// The person at the command line, recorded as `cli:NAME` until agents exist.
enum Operator {
    static var name: String {
        ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? NSUserName()
    }

    static var actor: CaseActor { CaseActor(.operatorUser(name: name)) }

    static var recorded: String { actor.recorded }

    /// The operator coming through the door by the command `via` (`cli: cases act`).
    static func caller(_ via: String) -> CaseCaller { .operatorUser(name, via: via) }
}
