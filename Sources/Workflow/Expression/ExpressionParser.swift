import Foundation

/// Reads an expression by recursive descent. Precedence, loosest first:
/// `or` < `and` < `not` < comparison, `in`, `contains` < `+ -` < `* /` < unary minus < primary.
/// Comparisons do not chain: `a < b < c` is refused with the way to write it.
struct ExpressionParser {
    /// Deeper nesting than this is refused rather than risking the stack.
    static let maximumDepth = 200

    private let tokens: [ExpressionToken]
    private var position = 0
    private var depth = 0

    init(tokens: [ExpressionToken]) {
        self.tokens = tokens
    }

    private var current: ExpressionToken { tokens[position] }
    private var previous: ExpressionToken? { position > 0 ? tokens[position - 1] : nil }

    private mutating func advance() -> ExpressionToken {
        let token = tokens[position]
        if token.kind != .end { position += 1 }
        return token
    }

    private func isSymbol(_ symbol: ExpressionToken.Symbol) -> Bool { current.kind == .symbol(symbol) }
    private func isKeyword(_ keyword: ExpressionToken.Keyword) -> Bool { current.kind == .keyword(keyword) }

    private func error(_ message: String, at span: ExpressionSpan) -> ExpressionError {
        ExpressionError(.syntax, message, at: span)
    }

    /// Parses the whole token list as one expression.
    mutating func parseWhole() throws(ExpressionError) -> ExpressionNode {
        if current.kind == .end {
            throw error("the expression is empty; write a condition like 'carriere.trimestres > 0' or a value",
                        at: ExpressionSpan(offset: 0, length: 0))
        }
        let expression = try parseOr()
        guard current.kind == .end else { throw unexpected() }
        return expression
    }

    /// The error for a token that cannot follow a complete value.
    private func unexpected() -> ExpressionError {
        if isSymbol(.rightParenthesis) {
            return error("this ')' closes nothing; remove it or add the '(' it closes", at: current.span)
        }
        if isSymbol(.rightBracket) {
            return error("this ']' closes no list; remove it or add the '[' it closes", at: current.span)
        }
        if isKeyword(.not), tokens[position + 1].kind == .keyword(.in) {
            return error("'not in' is not an operator; write not (x in [\"a\", \"b\"])",
                         at: current.span.through(tokens[position + 1].span))
        }
        return error("unexpected \(current.quoted) after a complete value; join conditions with 'and' or 'or', "
                     + "or compare values with an operator such as '=='", at: current.span)
    }

    private mutating func nested<T>(_ body: (inout ExpressionParser) throws(ExpressionError) -> T)
        throws(ExpressionError) -> T
    {
        depth += 1
        defer { depth -= 1 }
        guard depth <= ExpressionParser.maximumDepth else {
            throw error("the expression is nested too deeply; split it", at: current.span)
        }
        return try body(&self)
    }

    private mutating func parseOr() throws(ExpressionError) -> ExpressionNode {
        var left = try parseAnd()
        while isKeyword(.or) {
            let operatorToken = advance()
            let right = try parseAnd()
            left = binary(.or, left, right, operatorToken)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> ExpressionNode {
        var left = try parseNot()
        while isKeyword(.and) {
            let operatorToken = advance()
            let right = try parseNot()
            left = binary(.and, left, right, operatorToken)
        }
        return left
    }

    private mutating func parseNot() throws(ExpressionError) -> ExpressionNode {
        guard isKeyword(.not) else { return try parseComparison() }
        let operatorToken = advance()
        let operand = try nested { (parser: inout ExpressionParser) throws(ExpressionError) in try parser.parseNot() }
        return ExpressionNode(.unary(.not, operand), span: operatorToken.span.through(operand.span))
    }

    private func comparisonOperator() -> BinaryOperator? {
        switch current.kind {
        case .symbol(let symbol): return BinaryOperator(rawValue: symbol.rawValue).flatMap { $0.isComparison ? $0 : nil }
        case .keyword(.in): return .in
        case .keyword(.contains): return .contains
        default: return nil
        }
    }

    private mutating func parseComparison() throws(ExpressionError) -> ExpressionNode {
        let left = try parseAdditive()
        guard let op = comparisonOperator() else { return left }
        let operatorToken = advance()
        let right = try parseAdditive()
        if comparisonOperator() != nil {
            throw error("comparisons cannot be chained; join them with 'and', like 'a < b and b < c'",
                        at: current.span)
        }
        return binary(op, left, right, operatorToken)
    }

    private mutating func parseAdditive() throws(ExpressionError) -> ExpressionNode {
        var left = try parseMultiplicative()
        while isSymbol(.plus) || isSymbol(.minus) {
            let operatorToken = advance()
            let right = try parseMultiplicative()
            left = binary(operatorToken.kind == .symbol(.plus) ? .add : .subtract, left, right, operatorToken)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(ExpressionError) -> ExpressionNode {
        var left = try parseUnary()
        while isSymbol(.star) || isSymbol(.slash) {
            let operatorToken = advance()
            let right = try parseUnary()
            left = binary(operatorToken.kind == .symbol(.star) ? .multiply : .divide, left, right, operatorToken)
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> ExpressionNode {
        guard isSymbol(.minus) else { return try parsePrimary() }
        let operatorToken = advance()
        let operand = try nested { (parser: inout ExpressionParser) throws(ExpressionError) in try parser.parseUnary() }
        return ExpressionNode(.unary(.negate, operand), span: operatorToken.span.through(operand.span))
    }

    private func binary(_ op: BinaryOperator, _ left: ExpressionNode, _ right: ExpressionNode,
                        _ token: ExpressionToken) -> ExpressionNode {
        ExpressionNode(.binary(op, left, right, operatorSpan: token.span), span: left.span.through(right.span))
    }

    /// The error for a token where a value was expected.
    private func expectedValue() -> ExpressionError {
        if current.kind == .end, let previous {
            return error("expected a value after \(previous.quoted)", at: previous.span)
        }
        if let previous, !isValueEnd(previous) {
            return error("expected a value after \(previous.quoted), found \(current.quoted)", at: current.span)
        }
        return error("expected a value, found \(current.quoted)", at: current.span)
    }

    /// Whether a token can end a value (so what follows it is not "after an operator").
    private func isValueEnd(_ token: ExpressionToken) -> Bool {
        switch token.kind {
        case .integer, .decimal, .string, .date, .duration, .path: return true
        case .keyword(let keyword): return [.true, .false, .null].contains(keyword)
        case .symbol(let symbol): return symbol == .rightParenthesis || symbol == .rightBracket
        case .end: return false
        }
    }

    private mutating func parsePrimary() throws(ExpressionError) -> ExpressionNode {
        let token = current
        switch token.kind {
        case .integer(let value): return literal(.int(value))
        case .decimal(let value): return literal(.decimal(value))
        case .string(let value): return literal(.string(value))
        case .date(let value): return literal(.date(value))
        case .duration(let value): return literal(.duration(value))
        case .keyword(.true): return literal(.bool(true))
        case .keyword(.false): return literal(.bool(false))
        case .keyword(.null): return literal(.null)
        case .path(let path):
            _ = advance()
            if isSymbol(.leftParenthesis) { return try parseCall(name: path, nameToken: token) }
            return ExpressionNode(.field(path), span: token.span)
        case .symbol(.leftParenthesis):
            _ = advance()
            let inner = try nested { (parser: inout ExpressionParser) throws(ExpressionError) in try parser.parseOr() }
            guard isSymbol(.rightParenthesis) else {
                if current.kind == .end { throw error("this '(' is not closed; add ')'", at: token.span) }
                throw unexpectedInside(closing: ")")
            }
            let close = advance()
            return ExpressionNode(inner.kind, span: token.span.through(close.span))
        case .symbol(.leftBracket):
            return try parseList()
        default:
            throw expectedValue()
        }
    }

    private mutating func literal(_ value: ExpressionLiteral) -> ExpressionNode {
        let token = advance()
        return ExpressionNode(.literal(value), span: token.span)
    }

    /// The error for a token inside parentheses or brackets that neither continues the value nor closes.
    private func unexpectedInside(closing: String) -> ExpressionError {
        error("unexpected \(current.quoted); expected an operator or '\(closing)'", at: current.span)
    }

    private mutating func parseList() throws(ExpressionError) -> ExpressionNode {
        let open = advance()
        var elements: [ExpressionNode] = []
        while !isSymbol(.rightBracket) {
            if current.kind == .end { throw error("this '[' is not closed; add ']'", at: open.span) }
            let element = try nested { (parser: inout ExpressionParser) throws(ExpressionError) in try parser.parseOr() }
            elements.append(element)
            if isSymbol(.comma) {
                _ = advance()
            } else if !isSymbol(.rightBracket) {
                if current.kind == .end { throw error("this '[' is not closed; add ']'", at: open.span) }
                throw error("unexpected \(current.quoted) in a list; separate values with ',' and close with ']'",
                            at: current.span)
            }
        }
        let close = advance()
        return ExpressionNode(.list(elements), span: open.span.through(close.span))
    }

    private mutating func parseCall(name: String, nameToken: ExpressionToken) throws(ExpressionError) -> ExpressionNode {
        guard let function = BuiltinFunction(rawValue: name) else {
            let suggestion = Suggestion.didYouMean(name, among: BuiltinFunction.allCases.map(\.rawValue))
            throw ExpressionError(
                .unknownFunction,
                "unknown function '\(name)'; the functions are \(BuiltinFunction.allUsages)\(suggestion)",
                at: nameToken.span)
        }
        let open = advance()
        var arguments: [ExpressionNode] = []
        while !isSymbol(.rightParenthesis) {
            if current.kind == .end { throw error("this '(' is not closed; add ')'", at: open.span) }
            let argument = try nested { (parser: inout ExpressionParser) throws(ExpressionError) in
                try parser.parseOr()
            }
            arguments.append(argument)
            if isSymbol(.comma) {
                _ = advance()
                if isSymbol(.rightParenthesis) { throw expectedValue() }
            } else if !isSymbol(.rightParenthesis) {
                if current.kind == .end { throw error("this '(' is not closed; add ')'", at: open.span) }
                throw unexpectedInside(closing: ")")
            }
        }
        let close = advance()
        return ExpressionNode(.call(function, arguments, nameSpan: nameToken.span),
                          span: nameToken.span.through(close.span))
    }
}

extension ExpressionNode {
    /// Parses an expression's text, or throws the first syntax error with its position.
    public static func parse(_ source: String) throws(ExpressionError) -> ExpressionNode {
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokenize(source))
        return try parser.parseWhole()
    }
}
