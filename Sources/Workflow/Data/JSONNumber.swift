import Foundation

/// A JSON number kept exactly as written, so `0.1` or a 30-digit decimal round-trips unchanged.
///
/// Two numbers are equal when they have the same value (`1.50` equals `1.5`, `-0` equals `0`);
/// `literal` is what is written back.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number's text, valid JSON number syntax.
    public let literal: String
    /// Significant digits without leading or trailing zeros ("" for zero).
    private let significand: String
    /// The power of ten the significand is multiplied by.
    private let exponent: Int
    private let isNegative: Bool

    /// A number from its JSON text (`-12.5e3`), or nil when it is not JSON number syntax.
    public init?(_ literal: String) {
        guard let parts = JSONNumber.split(literal) else { return nil }
        self.literal = literal
        var digits = Substring(parts.integer + parts.fraction)
        var exponent = parts.exponent - parts.fraction.count
        digits = digits.drop { $0 == "0" }
        while digits.last == "0" {
            digits = digits.dropLast()
            exponent += 1
        }
        self.significand = String(digits)
        self.exponent = digits.isEmpty ? 0 : exponent
        self.isNegative = parts.negative && !digits.isEmpty
    }

    /// The number `value`.
    public init(_ value: Int) {
        self.init(String(value))!
    }

    /// The number `value`, written in plain notation; nil for NaN.
    public init?(_ value: Decimal) {
        guard !value.isNaN else { return nil }
        self.init(value.description)
    }

    public var description: String { literal }

    /// The value as a Foundation `Decimal`, or nil when it has more than 38 significant
    /// digits or an exponent out of Decimal's range (it would not be exact).
    public var decimal: Decimal? {
        if significand.isEmpty { return Decimal(0) }
        guard significand.count <= 38, exponent >= -128, exponent + significand.count <= 127 else { return nil }
        return Decimal(string: (isNegative ? "-" : "") + significand + "e" + String(exponent))
    }

    /// The value as an `Int` when it is a whole number that fits (`3`, `3.0`, `3e2`), else nil.
    public var int: Int? {
        if significand.isEmpty { return 0 }
        guard exponent >= 0, significand.count + exponent <= 19 else { return nil }
        return Int((isNegative ? "-" : "") + significand + String(repeating: "0", count: exponent))
    }

    /// Whether the value is a whole number.
    public var isWhole: Bool { exponent >= 0 }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.isNegative == rhs.isNegative && lhs.significand == rhs.significand && lhs.exponent == rhs.exponent
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isNegative)
        hasher.combine(significand)
        hasher.combine(exponent)
    }

    /// Splits JSON number syntax `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` into its parts.
    private static func split(_ text: String) -> (negative: Bool, integer: String, fraction: String, exponent: Int)? {
        let bytes = Array(text.utf8)
        var index = 0
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 48 && bytes[i] <= 57 }
        func run() -> String {
            let start = index
            while isDigit(index) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let integer = run()
        guard !integer.isEmpty, integer == "0" || !integer.hasPrefix("0") else { return nil }
        var fraction = ""
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            fraction = run()
            guard !fraction.isEmpty else { return nil }
        }
        var exponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let digits = run()
            // Exponents beyond a million are refused rather than overflowing arithmetic.
            guard !digits.isEmpty, let magnitude = Int(digits), magnitude <= 1_000_000 else { return nil }
            exponent = exponentNegative ? -magnitude : magnitude
        }
        guard index == bytes.count else { return nil }
        return (negative, integer, fraction, exponent)
    }
}
