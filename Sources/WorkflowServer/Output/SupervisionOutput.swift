import Foundation
import Workflow

/// The supervision reports as JSON (the API's bodies and the CLI's `--json`, the same
/// shape) and as tables for people. Ids, names, times and counts only: no case data.
enum SupervisionOutput {
    // MARK: JSON

    static func json(_ page: StuckReport.Page, next: String?) -> JSONValue {
        .object([
            "as_of": JSONResponse.time(page.asOf),
            "items": .array(page.rows.map { row in
                .object([
                    "case": JSONResponse.id(row.caseID), "workflow": .string(row.workflowID),
                    "workflow_version": .number(JSONNumber(row.workflowVersion)), "state": .string(row.state),
                    "whose_move": .array(row.whoseMove.map(JSONValue.string)), "escalated": .bool(row.escalated),
                    "sla_breached": .bool(row.breached), "entered_state_at": JSONResponse.time(row.enteredStateAt),
                    "last_event_at": JSONResponse.time(row.lastEventAt), "deadline": JSONResponse.time(row.deadline),
                    "escalation_reasons": .array(row.escalationReasons.map(JSONValue.string)),
                    "queues": .array(row.queues.map(JSONValue.string)),
                    "seconds_in_state": seconds(row.secondsInState),
                    "seconds_since_last_event": seconds(row.secondsSinceLastEvent),
                ])
            }),
            "next": next.map(JSONValue.string) ?? .null,
        ])
    }

    static func json(_ report: EscalationReport.Result) -> JSONValue {
        func counts(_ list: [EscalationReport.Count], _ name: String) -> JSONValue {
            .array(list.map { count in
                var object: [String: JSONValue] = [name: .string(count.key), "open": .number(JSONNumber(count.open)),
                                                   "resolved": .number(JSONNumber(count.resolved))]
                if let workflow = count.workflowID { object["workflow"] = .string(workflow) }
                return .object(object)
            })
        }
        return .object([
            "from": JSONResponse.time(report.from), "to": JSONResponse.time(report.to), "as_of": JSONResponse.time(report.asOf),
            "open": .number(JSONNumber(report.open)), "resolved": .number(JSONNumber(report.resolved)),
            "by_reason": counts(report.byReason, "reason"), "by_state": counts(report.byState, "state"),
            "by_queue": counts(report.byQueue, "queue"), "by_age": counts(report.byAge, "age"),
            "overrides": .array(report.overrides.map { entry in
                .object([
                    "at": JSONResponse.time(entry.at), "case": JSONResponse.id(entry.caseID), "workflow": .string(entry.workflowID),
                    "workflow_version": .number(JSONNumber(entry.workflowVersion)), "actor": .string(entry.actor),
                    "from_state": entry.fromState.map(JSONValue.string) ?? .null, "to_state": .string(entry.toState),
                    "track": entry.track.map(JSONValue.string) ?? .null, "note": .string(entry.note),
                    "reopened": .bool(entry.reopened),
                ])
            }),
        ])
    }

    static func json(_ report: DelayReport.Result) -> JSONValue {
        func shares(_ list: [DelayReport.Share], _ name: String) -> JSONValue {
            .array(list.map { share in
                var object: [String: JSONValue] = [name: .string(share.key), "seconds": seconds(share.seconds),
                                                   "share": fraction(share.seconds, of: report.totalSeconds),
                                                   "cases": .number(JSONNumber(share.cases))]
                if let workflow = share.workflowID { object["workflow"] = .string(workflow) }
                return .object(object)
            })
        }
        return .object([
            "from": JSONResponse.time(report.from), "to": JSONResponse.time(report.to), "as_of": JSONResponse.time(report.asOf),
            "total_seconds": seconds(report.totalSeconds), "cases": .number(JSONNumber(report.cases)),
            "by_party": shares(report.byParty, "party"), "by_state": shares(report.byState, "state"),
        ])
    }

    /// Whole seconds (the reports are about days, not milliseconds).
    static func seconds(_ value: Double) -> JSONValue { .number(JSONNumber(Int(value.rounded()))) }

    /// A share of the total, to three decimals.
    static func fraction(_ part: Double, of total: Double) -> JSONValue {
        guard total > 0 else { return .number(JSONNumber(0)) }
        return JSONNumber(String(format: "%.3f", part / total)).map(JSONValue.number) ?? .number(JSONNumber(0))
    }

    // MARK: Text

    static func text(_ page: StuckReport.Page) -> String {
        var lines = [["CASE", "WORKFLOW", "STATE", "WHOSE MOVE", "IN STATE", "IDLE", "SLA", "ESCALATED", "QUEUES"]]
        for row in page.rows {
            lines.append([row.caseID.lowercasedString, row.workflowID, row.state, row.whoseMove.joined(separator: ","),
                          duration(row.secondsInState), duration(row.secondsSinceLastEvent),
                          row.breached ? "BREACHED" : row.deadline.map { "due " + CaseOutput.format($0) } ?? "-",
                          row.escalated ? row.escalationReasons.joined(separator: ",") : "-",
                          row.queues.isEmpty ? "-" : row.queues.joined(separator: ",")])
        }
        var text = table(lines)
        text += "\n\(page.rows.count) case(s) as of \(CaseOutput.format(page.asOf))"
        if let next = page.next { text += "; more: --after \(StuckCursor.encode(next))" }
        return text
    }

    static func text(_ report: EscalationReport.Result) -> String {
        var out = ["Escalations opened \(CaseOutput.format(report.from)) – \(CaseOutput.format(report.to)): "
                   + "\(report.open) open, \(report.resolved) resolved (as of \(CaseOutput.format(report.asOf)))"]
        for (title, list) in [("BY REASON", report.byReason), ("BY STATE", report.byState), ("BY QUEUE", report.byQueue),
                              ("BY AGE", report.byAge)] {
            var lines = [[title, "OPEN", "RESOLVED"]]
            for count in list {
                lines.append([count.workflowID.map { "\($0) / \(count.key)" } ?? count.key, String(count.open), String(count.resolved)])
            }
            out.append("")
            out.append(table(lines))
        }
        out.append("")
        out.append("OVERRIDES (\(report.overrides.count))")
        for entry in report.overrides { out.append(OverrideOutput.text(entry)) }
        return out.joined(separator: "\n")
    }

    static func text(_ report: DelayReport.Result) -> String {
        var out = ["Time held \(CaseOutput.format(report.from)) – \(CaseOutput.format(report.to)): "
                   + "\(duration(report.totalSeconds)) over \(report.cases) case(s) (as of \(CaseOutput.format(report.asOf)))"]
        for (title, list) in [("BY PARTY", report.byParty), ("BY STATE", report.byState)] {
            var lines = [[title, "TIME", "DAYS", "SHARE", "CASES"]]
            for share in list {
                let percent = report.totalSeconds > 0 ? share.seconds / report.totalSeconds * 100 : 0
                lines.append([share.workflowID.map { "\($0) / \(share.key)" } ?? share.key, duration(share.seconds),
                              String(format: "%.1f", share.seconds / 86_400), String(format: "%.1f%%", percent), String(share.cases)])
            }
            out.append("")
            out.append(table(lines))
        }
        return out.joined(separator: "\n")
    }

    /// `3d 4h`, `5h 12min`, `40s`: the two largest units.
    static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded()))
        let days = total / 86_400, hours = total % 86_400 / 3600, minutes = total % 3600 / 60
        if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        if hours > 0 { return minutes > 0 ? "\(hours)h \(minutes)min" : "\(hours)h" }
        if minutes > 0 { return "\(minutes)min" }
        return "\(total)s"
    }

    /// Columns padded to their widest cell.
    static func table(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// The opaque cursor of the stuck report: the last row's time in microseconds and its case, base64url.
enum StuckCursor {
    static func encode(_ cursor: StuckReport.Cursor) -> String {
        let micros = Int64((cursor.enteredStateAt.timeIntervalSince1970 * 1_000_000).rounded())
        return Data("\(micros)/\(cursor.caseID.lowercasedString)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> StuckReport.Cursor? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let string = String(data: data, encoding: .utf8) else { return nil }
        let parts = string.split(separator: "/")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        return StuckReport.Cursor(enteredStateAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), caseID: id)
    }
}

extension SupervisionOutput {
    /// The referents report, for `GET /supervision/referents` and `workflow supervise referents --json`.
    static func json(_ report: ReferentReport) -> JSONValue {
        .object([
            "without_referent": .array(report.unassigned.map { row in
                .object(["workflow": .string(row.workflowID), "count": .number(JSONNumber(row.count)),
                         "under_7_days": .number(JSONNumber(row.underAWeek)), "7_to_30_days": .number(JSONNumber(row.weekToMonth)),
                         "over_30_days": .number(JSONNumber(row.overAMonth)), "oldest_created_at": JSONResponse.time(row.oldestCreatedAt)])
            }),
            "load": .array(report.load.map { row in
                .object(["agent": .string(row.agent), "agency": row.agency.map(JSONValue.string) ?? .null,
                         "open": .number(JSONNumber(row.open)), "escalated": .number(JSONNumber(row.escalated))])
            }),
        ])
    }

    static func text(_ report: ReferentReport) -> String {
        var lines = ["open cases without a referent (under 7 days / 7 to 30 days / over 30 days):"]
        if report.unassigned.isEmpty { lines.append("  none") }
        for row in report.unassigned {
            lines.append("  \(row.workflowID)  \(row.count)  (\(row.underAWeek) / \(row.weekToMonth) / \(row.overAMonth))"
                         + (row.oldestCreatedAt.map { "  oldest opened \(CaseOutput.format($0))" } ?? ""))
        }
        lines.append("referents' load (open cases, escalated):")
        if report.load.isEmpty { lines.append("  none") }
        for row in report.load {
            lines.append("  \(row.agent)\(row.agency.map { " (\($0))" } ?? "")  \(row.open)  \(row.escalated) escalated")
        }
        return lines.joined(separator: "\n")
    }
}
