import Foundation
import Hummingbird
import Workflow

/// A request's JSON body, read within a size limit, checked member by member: every
/// problem is a 400 naming the member (a JSON pointer) and what was expected.
struct BodyReader {
    /// The largest body accepted (case data with document references stays far below).
    static let limit = 1 << 20

    let members: [String: JSONValue]

    /// Reads and parses the body as a JSON object whose members are all among `allowed`.
    static func object(_ request: inout Request, allowed: Set<String>) async throws -> BodyReader {
        let text = try await Self.text(&request)
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            throw Problem.badRequest("the body is not valid JSON: \(error.message) at byte \(error.offset)", pointer: "")
        }
        guard let members = value.objectValue else {
            throw Problem.badRequest("the body must be a JSON object", pointer: "")
        }
        for key in members.keys.sorted() where !allowed.contains(key) {
            var detail = "unknown member '\(key)'"
            if let close = Suggestion.closest(to: key, among: Array(allowed)) { detail += "; did you mean '\(close)'?" }
            throw Problem.badRequest(detail + "; allowed: \(allowed.sorted().joined(separator: ", "))", pointer: "/\(key)")
        }
        return BodyReader(members: members)
    }

    /// The body's bytes as they came, refused past `limit`: for a workflow file, whose
    /// encoding the loader checks and reports at a line and column.
    static func bytes(_ request: inout Request) async throws -> [UInt8] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw Problem(.contentTooLarge, "the body is larger than \(limit) bytes")
        }
        return Array(buffer.readableBytesView)
    }

    /// The body as UTF-8 text, refused past `limit`. Bytes that are not UTF-8 are refused,
    /// never replaced by U+FFFD (which would store text nobody sent).
    static func text(_ request: inout Request) async throws -> String {
        let bytes = try await Self.bytes(&request)
        guard let text = String(validating: bytes, as: UTF8.self), !text.contains("\0") else {
            throw Problem.badRequest("the body is not UTF-8 text", pointer: "")
        }
        return text
    }

    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let value = members[key], !value.isNull else {
            if required { throw Problem.badRequest("'\(key)' is required", pointer: "/\(key)") }
            return nil
        }
        guard let text = value.stringValue else { throw Problem.badRequest("'\(key)' must be a string", pointer: "/\(key)") }
        if required, text.isEmpty { throw Problem.badRequest("'\(key)' must not be empty", pointer: "/\(key)") }
        return text
    }

    func integer(_ key: String) throws -> Int? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let number = value.numberValue?.int else {
            throw Problem.badRequest("'\(key)' must be a whole number", pointer: "/\(key)")
        }
        return number
    }

    func object(_ key: String, required: Bool = false) throws -> JSONValue? {
        guard let value = members[key], !value.isNull else {
            if required { throw Problem.badRequest("'\(key)' is required", pointer: "/\(key)") }
            return nil
        }
        guard value.objectValue != nil else { throw Problem.badRequest("'\(key)' must be a JSON object", pointer: "/\(key)") }
        return value
    }

    func uuid(_ key: String, required: Bool = false) throws -> UUID? {
        guard let text = try string(key, required: required) else { return nil }
        guard let id = UUID(uuidString: text) else { throw Problem.badRequest("'\(key)' is not a UUID", pointer: "/\(key)") }
        return id
    }

    /// A list of strings (`note_visible_to`), each item checked.
    func stringList(_ key: String) throws -> [String]? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let items = value.arrayValue else { throw Problem.badRequest("'\(key)' must be a list of strings", pointer: "/\(key)") }
        return try items.enumerated().map { index, item in
            guard let text = item.stringValue, !text.isEmpty else {
                throw Problem.badRequest("'\(key)' must be a list of strings", pointer: "/\(key)/\(index)")
            }
            return text
        }
    }
}
