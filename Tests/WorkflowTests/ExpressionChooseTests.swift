import Foundation
import Testing
@testable import Workflow

/// `t` is true, `f` is false, `u` is absent, `n` is 12 and `s` is "etudiant".
private let fields: [String: ValueType] = [
    "t": .bool, "f": .bool, "u": .bool, "n": .int, "s": .enumeration(["etudiant", "salarie"]), "bad": .int,
]
private let data: JSONValue = ["t": true, "f": false, "n": 12, "s": "etudiant", "bad": "douze"]

private func choose(_ rules: [String], otherwise: Bool) throws -> ChooseResult {
    let evaluator = Evaluator(fields: fields, now: Date(timeIntervalSince1970: 0))
    return evaluator.choose(try rules.map { try ExpressionNode.parse($0) }, hasOtherwise: otherwise, data: data)
}

@Suite("Expression choose resolution")
struct ExpressionChooseTests {
    @Test("the first true rule wins")
    func firstTrue() throws {
        #expect(try choose(["f", "t", "n > 1"], otherwise: true) == .rule(1))
        #expect(try choose(["t", "u"], otherwise: false) == .rule(0))
    }

    @Test("a true rule after an unknown one does not win: the data is missing")
    func unknownBeforeTrue() throws {
        #expect(try choose(["f", "u and n > 1", "t"], otherwise: true) == .missingData(rule: 1, missing: ["u"]))
    }

    @Test("no true rule and one unknown is missing data, even with an otherwise")
    func unknownWithoutTrue() throws {
        #expect(try choose(["f", "u"], otherwise: true) == .missingData(rule: 1, missing: ["u"]))
        #expect(try choose(["u", "f"], otherwise: false) == .missingData(rule: 0, missing: ["u"]))
    }

    @Test("every rule false takes the otherwise")
    func otherwise() throws {
        #expect(try choose(["f", "n > 20"], otherwise: true) == .otherwise)
        #expect(try choose([], otherwise: true) == .otherwise)
        // A false rule may leave a field unread or unknown: `f and u` is false.
        #expect(try choose(["f and u", "u and f"], otherwise: true) == .otherwise)
    }

    @Test("every rule false and no otherwise is no rule matched, with the values each rule saw")
    func noRuleMatched() throws {
        let result = try choose(["n > 20 and s == \"salarie\"", "s == \"salarie\" or f", "u and not exists(t)"],
                                otherwise: false)
        #expect(result == .noRuleMatched(seen: [
            ["n": 12],
            ["s": "etudiant", "f": false],
            ["u": .null, "t": true],
        ]))
        #expect(try choose([], otherwise: false) == .noRuleMatched(seen: []))
    }

    @Test("a rule that fails at run time stops the choice")
    func failure() throws {
        guard case .failure(let rule, let failure) = try choose(["f", "bad > 3", "t"], otherwise: true) else {
            Issue.record("expected a failure")
            return
        }
        #expect(rule == 1)
        #expect(failure.message == "field 'bad' holds \"douze\", which is not an int; correct the case data")
        #expect(try choose(["t", "bad > 3"], otherwise: true) == .rule(0))
    }
}
