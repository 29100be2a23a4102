import Foundation
import Hummingbird

/// A submitted form: `application/x-www-form-urlencoded`, or `multipart/form-data` for the
/// designer's file upload. Repeated names keep every value, in order.
struct WebForm: Sendable {
    /// The largest form accepted: a workflow file is far smaller.
    static let limit = 2 << 20

    private(set) var values: [(name: String, value: String)] = []

    subscript(_ name: String) -> String? { values.first { $0.name == name }?.value }

    /// A value with its surrounding blanks removed; nil when absent or blank.
    func trimmed(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every value whose name starts with `prefix`, keyed by the rest of the name.
    func values(prefixed prefix: String) -> [(key: String, value: String)] {
        values.filter { $0.name.hasPrefix(prefix) }.map { (String($0.name.dropFirst(prefix.count)), $0.value) }
    }

    /// Reads the body of a POST by its content type; any other type gives an empty form.
    static func read(_ request: inout Request) async throws -> WebForm {
        let contentType = request.headers[.contentType] ?? ""
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw WebFailure(status: .contentTooLarge, key: "error_too_large")
        }
        let bytes = Array(buffer.readableBytesView)
        if contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            return WebForm(values: urlEncoded(String(decoding: bytes, as: UTF8.self)))
        }
        if contentType.lowercased().hasPrefix("multipart/form-data"), let boundary = Self.boundary(of: contentType) {
            return WebForm(values: multipart(bytes, boundary: boundary))
        }
        return WebForm()
    }

    static func urlEncoded(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }

    private static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// The parts of a multipart body (RFC 7578): each part's name and its content as UTF-8.
    static func multipart(_ body: [UInt8], boundary: String) -> [(name: String, value: String)] {
        let delimiter = Array("--\(boundary)".utf8)
        var result: [(name: String, value: String)] = []
        var starts: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        for (start, end) in zip(starts, starts.dropFirst()) {
            var part = Array(body[(start + delimiter.count)..<end])
            if part.starts(with: [13, 10]) { part.removeFirst(2) }
            if part.suffix(2) == [13, 10] { part.removeLast(2) }
            guard let split = find([13, 10, 13, 10], in: part, from: 0) else { continue }
            let head = String(decoding: part[..<split], as: UTF8.self)
            let content = String(decoding: part[(split + 4)...], as: UTF8.self)
            guard let name = dispositionName(head) else { continue }
            result.append((name, content))
        }
        return result
    }

    private static func dispositionName(_ head: String) -> String? {
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition") {
            guard let range = line.range(of: "name=\"") else { return nil }
            let rest = line[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}

/// A page that cannot be shown: its status and the key of the text that says why.
struct WebFailure: Error {
    var status: HTTPResponse.Status
    var key: String
    var detail: String?
}
