import Foundation
import Testing
@testable import Workflow

@Suite("JSONValue parsing and serialization")
struct JSONValueTests {
    @Test("keeps decimals exact", arguments: [
        "12345678901234567890.123456789", "0.1", "-0.000000000000000000000000000001",
        "123456789012345678901234567890.123456789012345678901234567890", "1e400", "-12.50E-3", "0",
    ])
    func exactNumbers(_ literal: String) throws {
        let value = try JSONValue(parsing: literal)
        #expect(value.serialized() == literal)
        #expect(try JSONValue(parsing: "[\(literal)]").serialized() == "[\(literal)]")
    }

    @Test("compares numbers by value, not by spelling")
    func numberEquality() throws {
        #expect(try JSONValue(parsing: "1.50") == JSONValue(parsing: "1.5"))
        #expect(try JSONValue(parsing: "150") == JSONValue(parsing: "1.5e2"))
        #expect(try JSONValue(parsing: "-0") == JSONValue(parsing: "0"))
        #expect(try JSONValue(parsing: "0.1") != JSONValue(parsing: "0.10000000000000001"))
        #expect(Set([try JSONValue(parsing: "2.0"), try JSONValue(parsing: "2")]).count == 1)
    }

    @Test("reads numbers as Decimal and Int only when exact")
    func numberAccessors() throws {
        let big = try #require(JSONNumber("12345678901234567890.123456789"))
        #expect(big.decimal == Decimal(string: "12345678901234567890.123456789"))
        #expect(big.int == nil)
        #expect(JSONNumber("3.0")?.int == 3)
        #expect(JSONNumber("3e2")?.int == 300)
        #expect(JSONNumber("-12")?.int == -12)
        #expect(JSONNumber("1234567890123456789012345678901234567890")?.decimal == nil)
        #expect(JSONNumber(Decimal(string: "0.1")!)?.literal == "0.1")
    }

    @Test("refuses malformed numbers", arguments: ["01", "1.", ".5", "+1", "1e", "--1", "1.5.2", "0x10", "NaN"])
    func badNumbers(_ literal: String) {
        #expect(JSONNumber(literal) == nil)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: literal) }
    }

    @Test("serializes objects with sorted keys, compactly")
    func sortedKeys() throws {
        let value = try JSONValue(parsing: #"{ "zone": "U", "a": [1, true, null], "m": {"y": 1, "b": "x"} }"#)
        #expect(value.serialized() == #"{"a":[1,true,null],"m":{"b":"x","y":1},"zone":"U"}"#)
        #expect(try JSONValue(parsing: value.serialized()) == value)
    }

    @Test("escapes strings and decodes escapes")
    func strings() throws {
        let text = #""quote \" backslash \\ slash \/ tab \t nl \n ctl \u0001 é \u00e9 😀 \ud83d\ude00""#
        let value = try JSONValue(parsing: text)
        #expect(value == .string("quote \" backslash \\ slash / tab \t nl \n ctl \u{01} é é 😀 😀"))
        #expect(value.serialized() == #""quote \" backslash \\ slash / tab \t nl \n ctl \u0001 é é 😀 😀""#)
    }

    @Test("refuses malformed JSON with the byte offset", arguments: [
        (#"{"a": 1,}"#, 8), (#"{"a" 1}"#, 5), (#"[1 2]"#, 3), (#""abc"#, 0), (#"{"a": 1, "a": 2}"#, 9),
        ("tru", 0), ("[1] x", 4), ("\"\\x\"", 1), ("\"\\ud800\"", 1), ("\"a\u{01}\"", 2), ("", 0),
    ])
    func malformed(_ text: String, _ offset: Int) {
        do {
            _ = try JSONValue(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.offset == offset, "\(error.message)")
        }
    }

    @Test("refuses duplicate keys by name")
    func duplicateKeys() {
        #expect(throws: JSONParseError(message: "duplicate key 'a'", offset: 9)) {
            try JSONValue(parsing: #"{"a": 1, "a": 2}"#)
        }
    }

    @Test("refuses nesting deeper than the limit")
    func depth() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try JSONValue(parsing: fine).serialized() == fine)
    }

    @Test("goes through Codable, exact within Decimal's precision")
    func codable() throws {
        let value: JSONValue = ["n": .number(JSONNumber("0.1")!), "s": "x", "l": [true, .null], "i": 42]
        let data = try JSONEncoder().encode(value)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(decoded == value)
        #expect(try JSONValue(parsing: data) == value)
    }
}
