import Foundation
import Testing
@testable import Workflow

/// Prints a tree as an S-expression, so tests can state its shape in one line.
private func sexpr(_ expression: ExpressionNode) -> String {
    switch expression.kind {
    case .literal(let literal):
        switch literal {
        case .int(let value): return "\(value)"
        case .decimal(let value): return "\(value)d"
        case .string(let text): return "'\(text)'"
        case .bool(let flag): return "\(flag)"
        case .date(let day): return "#\(day)"
        case .duration(let duration): return "~\(duration)"
        case .null: return "null"
        }
    case .field(let path): return path
    case .list(let elements): return "[" + elements.map(sexpr).joined(separator: " ") + "]"
    case .unary(let op, let operand): return "(\(op.rawValue) \(sexpr(operand)))"
    case .binary(let op, let left, let right, _): return "(\(op.rawValue) \(sexpr(left)) \(sexpr(right)))"
    case .call(let function, let arguments, _):
        return "(\(function.rawValue)()" + arguments.map { " " + sexpr($0) }.joined() + ")"
    }
}

private func parseError(_ source: String) -> ExpressionError? {
    do {
        _ = try ExpressionNode.parse(source)
        return nil
    } catch {
        return error
    }
}

@Suite("Expression lexer and parser")
struct ExpressionSyntaxTests {
    @Test("follows the precedence of the brief", arguments: [
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("not a == b", "(not (== a b))"),
        ("not not a", "(not (not a))"),
        ("a == b and not c", "(and (== a b) (not c))"),
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("-x * 2", "(* (- x) 2)"),
        ("- -x", "(- (- x))"),
        ("a + b > c and d", "(and (> (+ a b) c) d)"),
        ("x in [1, 2] or y contains 'z'", "(or (in x [1 2]) (contains y 'z'))"),
        ("usager.date_naissance + 62y > date_depart", "(> (+ usager.date_naissance ~62y) date_depart)"),
        ("len(carriere.statuts) > 1", "(> (len() carriere.statuts) 1)"),
        ("today() - 10bd", "(- (today()) ~10bd)"),
        ("exists(avis.abf)", "(exists() avis.abf)"),
    ])
    func precedence(_ source: String, _ expected: String) throws {
        #expect(sexpr(try ExpressionNode.parse(source)) == expected)
    }

    @Test("reads every kind of literal", arguments: [
        ("42", "42"), ("3.25", "3.25d"), ("12345678901234567890", "12345678901234567890d"),
        ("\"etudiant\"", "'etudiant'"), ("'it\\'s'", "'it's'"), ("\"a\\\"b\\\\c\\n\"", "'a\"b\\c\n'"),
        ("true", "true"), ("false", "false"), ("null", "null"), ("2026-01-31", "#2026-01-31"),
        ("6mo", "~6mo"), ("62y", "~62y"), ("10bd", "~10bd"), ("30min", "~30min"), ("45s", "~45s"), ("2w", "~2w"),
        ("P10D", "~10d"), ("PT45S", "~45s"), ("[\"a\", \"b\",]", "['a' 'b']"), ("[]", "[]"),
        ("terrain.zone_2", "terrain.zone_2"), ("_x.y", "_x.y"), ("2026 - 01 - 31", "(- (- 2026 1) 31)"),
        ("P10", "P10"),
    ])
    func literals(_ source: String, _ expected: String) throws {
        #expect(sexpr(try ExpressionNode.parse(source)) == expected)
    }

    @Test("keeps the position of every node")
    func spans() throws {
        let tree = try ExpressionNode.parse("  x + 10d >= (y)")
        #expect(tree.span == ExpressionSpan(offset: 2, length: 14))
        #expect(try ExpressionNode.parse("(a + b)").span == ExpressionSpan(offset: 0, length: 7))
        guard case .binary(.greaterOrEqual, let left, let right, let operatorSpan) = tree.kind,
              case .binary(.add, let x, let duration, let plus) = left.kind else {
            Issue.record("unexpected tree \(sexpr(tree))")
            return
        }
        #expect(operatorSpan == ExpressionSpan(offset: 10, length: 2))
        #expect(left.span == ExpressionSpan(offset: 2, length: 7))
        #expect(plus == ExpressionSpan(offset: 4, length: 1))
        #expect(x.span == ExpressionSpan(offset: 2, length: 1))
        #expect(duration.span == ExpressionSpan(offset: 6, length: 3))
        #expect(right.span == ExpressionSpan(offset: 13, length: 3))
        let call = try ExpressionNode.parse("len( a )")
        guard case .call(.len, _, let nameSpan) = call.kind else {
            Issue.record("not a call")
            return
        }
        #expect(nameSpan == ExpressionSpan(offset: 0, length: 3))
        #expect(call.span == ExpressionSpan(offset: 0, length: 8))
    }

    @Test("reports syntax errors at the offending token", arguments: [
        ("a and", 2, 3, "expected a value after 'and'"),
        ("a and )", 6, 1, "expected a value after 'and', found ')'"),
        ("x ==", 2, 2, "expected a value after '=='"),
        ("\"abc", 0, 4, "unterminated string; close it with \""),
        ("x == 'abc", 5, 4, "unterminated string; close it with '"),
        ("x = 1", 2, 1, "'=' is not an operator; write '==' to compare"),
        ("a && b", 2, 2, "write 'and' to join conditions, not '&&'"),
        ("a || b", 2, 2, "write 'or' to join conditions, not '||'"),
        ("(a and b", 0, 1, "this '(' is not closed; add ')'"),
        ("[1, 2", 0, 1, "this '[' is not closed; add ']'"),
        ("a )", 2, 1, "this ')' closes nothing; remove it or add the '(' it closes"),
        (")", 0, 1, "expected a value, found ')'"),
        ("", 0, 0, "the expression is empty; write a condition like 'carriere.trimestres > 0' or a value"),
        ("   ", 0, 0, "the expression is empty; write a condition like 'carriere.trimestres > 0' or a value"),
        ("a < b < c", 6, 1, "comparisons cannot be chained; join them with 'and', like 'a < b and b < c'"),
        ("x not in [1]", 2, 6, "'not in' is not an operator; write not (x in [\"a\", \"b\"])"),
        ("x == 2026-02-30", 5, 10, "'2026-02-30' is not a date of the calendar; write YYYY-MM-DD, like 2026-01-31"),
        ("x + 10x", 4, 3,
         "'10x' is not a duration; write a number and a unit: 45s, 30min, 12h, 10d, 2w, 3mo, 1y, 10bd, "
            + "or ISO 8601 like P10D"),
        ("d + 1.5d", 4, 4, "'1.5d' is not a duration; durations are whole numbers, like 36h rather than 1.5d"),
        ("usager. nir", 6, 1, "expected a name after '.'; a field path is names joined by dots, like usager.nir"),
        ("x == \"a\\qb\"", 7, 2, "unknown escape '\\q'; inside a string write \\\" \\' \\\\ \\n \\t or \\r"),
        ("x == 1.", 5, 2, "write a digit after the decimal point, like 1.5"),
        ("x ! y", 2, 1,
         "'!' is not an operator; write 'not' to negate a condition, or '!=' for 'is not equal to'"),
        ("numéro == 1", 3, 1, "'é' cannot appear in a field name; names use the letters a-z, digits and _"),
        ("len(x,)", 6, 1, "expected a value after ',', found ')'"),
        ("len(x y)", 6, 1, "unexpected 'y'; expected an operator or ')'"),
        ("[1 2]", 3, 1, "unexpected '2' in a list; separate values with ',' and close with ']'"),
        ("x == 1 y", 7, 1,
         "unexpected 'y' after a complete value; join conditions with 'and' or 'or', "
            + "or compare values with an operator such as '=='"),
        ("x @ y", 2, 1, "unexpected character '@'"),
        ("x\u{00A0}==\u{2003}1 and", 7, 3, "expected a value after 'and'"),
        ("x == 10m", 5, 3, "'10m' is ambiguous; write 10min for minutes or 10mo for months"),
    ])
    func errors(_ source: String, _ offset: Int, _ length: Int, _ message: String) throws {
        let error = try #require(parseError(source))
        #expect(error.code == .syntax)
        #expect(error.message == message)
        #expect(error.offset == offset)
        #expect(error.length == length)
    }

    @Test("counts offsets in Unicode scalars")
    func unicodeOffsets() throws {
        // "é" and "😀" are one scalar each, although 😀 is two UTF-16 units and four UTF-8 bytes.
        let error = try #require(parseError("\"é😀\" == x and"))
        #expect(error.offset == 10)
        #expect(error.length == 3)
        let tree = try ExpressionNode.parse("'😀😀' == y")
        guard case .binary(_, _, let right, _) = tree.kind else {
            Issue.record("not a comparison")
            return
        }
        #expect(right.span.offset == 8)
    }

    @Test("refuses unknown functions, listing the allowed ones")
    func unknownFunctions() throws {
        let error = try #require(parseError("x > 1 and exist(avis.abf)"))
        #expect(error.code == .unknownFunction)
        #expect(error.offset == 10)
        #expect(error.length == 5)
        #expect(error.message
            == "unknown function 'exist'; the functions are today(), now(), len(x) and exists(x); did you mean 'exists'?")
        let other = try #require(parseError("max(a, b)"))
        #expect(other.message == "unknown function 'max'; the functions are today(), now(), len(x) and exists(x)")
    }

    @Test("refuses nesting deep enough to exhaust the stack")
    func depth() {
        let deep = String(repeating: "(", count: 5000) + "x" + String(repeating: ")", count: 5000)
        #expect(parseError(deep)?.message == "the expression is nested too deeply; split it")
        let negations = String(repeating: "not ", count: 5000) + "x"
        #expect(parseError(negations) != nil)
        #expect(parseError(String(repeating: "(", count: 50) + "x" + String(repeating: ")", count: 50)) == nil)
    }

    @Test("lists the fields an expression reads, once each")
    func fieldPaths() throws {
        let tree = try ExpressionNode.parse("exists(a.b) and a.b > 1 or c in [d, 2] and len(e) > 0")
        #expect(tree.fieldPaths == ["a.b", "c", "d", "e"])
    }
}
