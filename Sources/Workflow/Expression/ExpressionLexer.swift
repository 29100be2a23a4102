import Foundation

/// Splits an expression into tokens, counting positions in Unicode scalars.
struct ExpressionLexer {
    private let scalars: [Unicode.Scalar]
    /// The source's UTF-8 bytes when it is all ASCII (one byte per scalar): a token's text
    /// is then made from its bytes at once rather than a scalar at a time.
    private let ascii: [UInt8]?
    private var index = 0

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
        let bytes = Array(source.utf8)
        ascii = bytes.count == scalars.count ? bytes : nil
    }

    /// All the tokens of the source, ending with `.end`.
    static func tokenize(_ source: String) throws(ExpressionError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(source)
        var tokens: [ExpressionToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private func text(from start: Int) -> String {
        if let ascii { return String(decoding: ascii[start..<index], as: UTF8.self) }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<index])
        return String(view)
    }

    private func token(_ kind: ExpressionToken.Kind, from start: Int) -> ExpressionToken {
        ExpressionToken(kind: kind, span: ExpressionSpan(offset: start, length: index - start), text: text(from: start))
    }

    private func syntaxError(_ message: String, from start: Int, length: Int? = nil) -> ExpressionError {
        ExpressionError(.syntax, message, at: ExpressionSpan(offset: start, length: length ?? max(1, index - start)))
    }

    static func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar.value >= 48 && scalar.value <= 57
    }

    static func isNameStart(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return (scalar.value >= 65 && scalar.value <= 90) || (scalar.value >= 97 && scalar.value <= 122) || scalar == "_"
    }

    static func isNamePart(_ scalar: Unicode.Scalar?) -> Bool {
        isNameStart(scalar) || isDigit(scalar)
    }

    mutating func next() throws(ExpressionError) -> ExpressionToken {
        while let scalar = peek(), scalar.isASCII ? (scalar == " " || (9...13).contains(scalar.value)) : scalar.properties.isWhitespace {
            index += 1
        }
        let start = index
        guard let scalar = peek() else { return token(.end, from: start) }
        if Self.isDigit(scalar) { return try number() }
        if Self.isNameStart(scalar) { return try name() }
        if scalar == "\"" || scalar == "'" { return try string(quote: scalar) }
        if Identifier.isLetter(scalar) {
            index += 1
            throw syntaxError("'\(scalar)' cannot appear in a field name; names use the letters a-z, digits and _",
                              from: start)
        }
        return try symbol()
    }

    private mutating func symbol() throws(ExpressionError) -> ExpressionToken {
        let start = index
        let first = peek()!
        let second = peek(1)
        index += 1
        func two(_ symbol: ExpressionToken.Symbol) -> ExpressionToken {
            index += 1
            return token(.symbol(symbol), from: start)
        }
        switch first {
        case "(": return token(.symbol(.leftParenthesis), from: start)
        case ")": return token(.symbol(.rightParenthesis), from: start)
        case "[": return token(.symbol(.leftBracket), from: start)
        case "]": return token(.symbol(.rightBracket), from: start)
        case ",": return token(.symbol(.comma), from: start)
        case "+": return token(.symbol(.plus), from: start)
        case "-": return token(.symbol(.minus), from: start)
        case "*": return token(.symbol(.star), from: start)
        case "/": return token(.symbol(.slash), from: start)
        case "<": return second == "=" ? two(.lessOrEqual) : token(.symbol(.less), from: start)
        case ">": return second == "=" ? two(.greaterOrEqual) : token(.symbol(.greater), from: start)
        case "=":
            if second == "=" { return two(.equal) }
            throw syntaxError("'=' is not an operator; write '==' to compare", from: start)
        case "!":
            if second == "=" { return two(.notEqual) }
            throw syntaxError("'!' is not an operator; write 'not' to negate a condition, or '!=' for 'is not equal to'",
                              from: start)
        case "&":
            if second == "&" { index += 1 }
            throw syntaxError("write 'and' to join conditions, not '\(text(from: start))'", from: start)
        case "|":
            if second == "|" { index += 1 }
            throw syntaxError("write 'or' to join conditions, not '\(text(from: start))'", from: start)
        case ".":
            throw syntaxError("unexpected '.'; a field path is names joined by dots, like usager.nir", from: start)
        default:
            throw syntaxError("unexpected character '\(first)'", from: start)
        }
    }

    /// A number, a date (`2026-01-31`) or a duration (`10bd`).
    private mutating func number() throws(ExpressionError) -> ExpressionToken {
        let start = index
        while Self.isDigit(peek()) { index += 1 }
        if index - start == 4, peek() == "-", Self.isDigit(peek(1)), Self.isDigit(peek(2)), peek(3) == "-",
           Self.isDigit(peek(4)), Self.isDigit(peek(5)), !Self.isNamePart(peek(6)) {
            index += 6
            let literal = text(from: start)
            guard let date = CalendarDate(literal) else {
                throw syntaxError("'\(literal)' is not a date of the calendar; write YYYY-MM-DD, like 2026-01-31",
                                  from: start)
            }
            return token(.date(date), from: start)
        }
        var isDecimal = false
        if peek() == "." {
            guard Self.isDigit(peek(1)) else {
                index += 1
                throw syntaxError("write a digit after the decimal point, like 1.5", from: start)
            }
            isDecimal = true
            index += 1
            while Self.isDigit(peek()) { index += 1 }
        }
        if Self.isNameStart(peek()) {
            while Self.isNamePart(peek()) { index += 1 }
            let literal = text(from: start)
            if isDecimal {
                throw syntaxError("'\(literal)' is not a duration; durations are whole numbers, like 36h rather than 1.5d",
                                  from: start)
            }
            do {
                return token(.duration(try WorkflowDuration.parse(literal)), from: start)
            } catch {
                throw syntaxError(error.message, from: start)
            }
        }
        let literal = text(from: start)
        if !isDecimal, let value = Int(literal) {
            return token(.integer(value), from: start)
        }
        let significant = literal.filter { $0 != "." }.drop { $0 == "0" }
        guard significant.count <= 38, let value = Decimal(string: literal) else {
            throw syntaxError("'\(literal)' has too many digits; a number keeps at most 38", from: start)
        }
        return token(.decimal(value), from: start)
    }

    /// A keyword, a field path, or an ISO 8601 duration (`P10D`).
    private mutating func name() throws(ExpressionError) -> ExpressionToken {
        let start = index
        while true {
            while Self.isNamePart(peek()) { index += 1 }
            guard peek() == "." else { break }
            guard Self.isNameStart(peek(1)) else {
                let dot = index
                index += 1
                throw syntaxError("expected a name after '.'; a field path is names joined by dots, like usager.nir",
                                  from: dot)
            }
            index += 1
        }
        if let scalar = peek(), scalar.properties.isAlphabetic, !scalar.isASCII {
            index += 1
            throw syntaxError("'\(scalar)' cannot appear in a field name; names use the letters a-z, digits and _",
                              from: index - 1)
        }
        let word = text(from: start)
        if let keyword = ExpressionToken.Keyword(rawValue: word) { return token(.keyword(keyword), from: start) }
        if word.hasPrefix("P"), word.dropFirst().first.map({ $0.isNumber || $0 == "T" }) == true,
           let duration = WorkflowDuration(word) {
            return token(.duration(duration), from: start)
        }
        return token(.path(word), from: start)
    }

    /// A string in single or double quotes, with backslash escapes.
    private mutating func string(quote: Unicode.Scalar) throws(ExpressionError) -> ExpressionToken {
        let start = index
        index += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw syntaxError("unterminated string; close it with \(quote)", from: start,
                                  length: scalars.count - start)
            }
            index += 1
            if scalar == quote { return token(.string(String(value)), from: start) }
            guard scalar == "\\" else {
                value.append(scalar)
                continue
            }
            guard let escaped = peek() else {
                throw syntaxError("unterminated string; close it with \(quote)", from: start,
                                  length: scalars.count - start)
            }
            index += 1
            switch escaped {
            case "\"", "'", "\\": value.append(escaped)
            case "n": value.append("\n")
            case "t": value.append("\t")
            case "r": value.append("\r")
            default:
                throw syntaxError("unknown escape '\\\(escaped)'; inside a string write \\\" \\' \\\\ \\n \\t or \\r",
                                  from: index - 2, length: 2)
            }
        }
    }
}
