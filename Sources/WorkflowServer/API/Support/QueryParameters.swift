import Foundation
import Hummingbird
import Workflow

/// Reading path and query parameters, each problem a 400 naming the parameter.
extension Request {
    /// The query parameters, refusing any not in `allowed`.
    func query(allowed: Set<String>) throws -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw Problem.badRequest("unknown query parameter '\(name)'; allowed: \(allowed.sorted().joined(separator: ", "))",
                                         parameter: name)
            }
            guard result[name] == nil else {
                throw Problem.badRequest("'\(name)' is given twice; give it once", parameter: name)
            }
            // PostgreSQL text holds no NUL: refused here rather than failing in a query.
            guard !value.contains("\u{0}") else {
                throw Problem.badRequest("'\(name)' holds a NUL character", parameter: name)
            }
            result[name] = String(value)
        }
        return result
    }
}

enum Parameter {
    static func uuid(_ text: String?, _ name: String) throws -> UUID? {
        guard let text else { return nil }
        guard let id = UUID(uuidString: text) else { throw Problem.badRequest("'\(name)' is not a UUID: '\(text)'", parameter: name) }
        return id
    }

    static func int(_ text: String?, _ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Problem.badRequest("'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)", parameter: name)
        }
        return value
    }

    static func bool(_ text: String?, _ name: String) throws -> Bool? {
        guard let text else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw Problem.badRequest("'\(name)' must be true or false", parameter: name)
        }
    }

    /// An RFC 3339 time, or a day (midnight UTC).
    static func time(_ text: String?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        if let date = RFC3339.parse(text) { return date }
        if let day = RFC3339.parse(text + "T00:00:00Z") { return day }
        throw Problem.badRequest("'\(name)' must be an RFC 3339 time or a day (YYYY-MM-DD)", parameter: name)
    }

    /// The path parameter `name` as a UUID: a malformed one is a 400, never a 500.
    static func pathID(_ context: APIContext, _ name: String = "id") throws -> UUID {
        let text = context.parameters.get(name) ?? ""
        guard let id = UUID(uuidString: text) else { throw Problem.badRequest("'\(text)' is not a UUID", parameter: name) }
        return id
    }
}
