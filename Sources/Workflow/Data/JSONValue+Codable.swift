import Foundation

extension JSONValue: Codable {
    /// Decodes through any `Decoder`.
    ///
    /// Foundation's `JSONDecoder` reads numbers as `Decimal` here, exact up to 38 significant
    /// digits; read case data with `init(parsing:)` to keep every number as written.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let number = try? container.decode(Decimal.self), let exact = JSONNumber(number) {
            self = .number(exact)
        } else if let elements = try? container.decode([JSONValue].self) {
            self = .array(elements)
        } else if let members = try? container.decode([String: JSONValue].self) {
            self = .object(members)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    /// Encodes through any `Encoder`; a number beyond `Decimal`'s 38 digits is written as a `Double`.
    /// Use `serialized()` to write every number exactly.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number):
            if let decimal = number.decimal {
                try container.encode(decimal)
            } else {
                try container.encode(Double(number.literal) ?? 0)
            }
        case .string(let text): try container.encode(text)
        case .array(let elements): try container.encode(elements)
        case .object(let members): try container.encode(members)
        }
    }
}
