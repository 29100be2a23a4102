import Foundation
import Testing
@testable import Workflow

/// `t` is true, `f` is false, `u` and `v` are declared but absent: unknown.
private let fields: [String: ValueType] = ["t": .bool, "f": .bool, "u": .bool, "v": .bool, "n": .int]
private let data: JSONValue = ["t": true, "f": false, "n": .null]

private func evaluate(_ source: String) throws -> ConditionResult {
    let evaluator = Evaluator(fields: fields, now: Date(timeIntervalSince1970: 0))
    return evaluator.condition(try ExpressionNode.parse(source), data: data)
}

@Suite("Expression Kleene logic")
struct ExpressionKleeneTests {
    @Test("and", arguments: [
        ("t and t", ConditionResult.true), ("t and f", .false), ("t and u", .unknown(missing: ["u"])),
        ("f and t", .false), ("f and f", .false), ("f and u", .false),
        ("u and t", .unknown(missing: ["u"])), ("u and f", .false), ("u and v", .unknown(missing: ["u", "v"])),
    ])
    func and(_ source: String, _ expected: ConditionResult) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test("or", arguments: [
        ("t or t", ConditionResult.true), ("t or f", .true), ("t or u", .true),
        ("f or t", .true), ("f or f", .false), ("f or u", .unknown(missing: ["u"])),
        ("u or t", .true), ("u or f", .unknown(missing: ["u"])), ("u or v", .unknown(missing: ["u", "v"])),
    ])
    func or(_ source: String, _ expected: ConditionResult) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test("not", arguments: [
        ("not t", ConditionResult.false), ("not f", .true), ("not u", .unknown(missing: ["u"])),
    ])
    func not(_ source: String, _ expected: ConditionResult) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test("a missing field makes its comparison unknown, and exists() is never unknown", arguments: [
        ("n > 3", ConditionResult.unknown(missing: ["n"])),
        ("n == n", .unknown(missing: ["n"])),
        ("not (n > 3)", .unknown(missing: ["n"])),
        ("exists(n)", .false),
        ("exists(u)", .false),
        ("exists(t)", .true),
        ("exists(f)", .true),
        ("not exists(u)", .true),
        ("exists(u) and u", .false),
        ("not exists(u) or u", .true),
        ("u == v or n > 1", .unknown(missing: ["u", "v", "n"])),
        ("(u or v) and (u or n > 1)", .unknown(missing: ["u", "v", "n"])),
        ("t in [u, t]", .unknown(missing: ["u"])),
    ])
    func missing(_ source: String, _ expected: ConditionResult) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test("short-circuits: the deciding side spares the other side's failure")
    func shortCircuit() throws {
        #expect(try evaluate("f and 1 / 0 > 1") == .false)
        #expect(try evaluate("t or 1 / 0 > 1") == .true)
        guard case .failure(let failure) = try evaluate("t and 1 / 0 > 1") else {
            Issue.record("division by zero was not a failure")
            return
        }
        #expect(failure.message == "division by zero")
        #expect(failure.span == ExpressionSpan(offset: 8, length: 1))
    }
}
