import Foundation
import Hummingbird

/// A submitted form: `application/x-www-form-urlencoded`, or `multipart/form-data` for the
/// designer's file upload. Repeated names keep every value, in order.
struct WebForm: Sendable {
    /// The largest form of a signed-in agent (a workflow file, a document to hash).
    static let limit = 2 << 20
    /// The largest form of a visitor (the sign-in form is a few hundred bytes).
    static let visitorLimit = 16 << 10
    /// RFC 2046 allows boundaries of 1 to 70 characters; a longer one is refused.
    static let boundaryLimit = 70

    private(set) var values: [(name: String, value: String)] = []
    /// The files of a multipart form, by input name (a file input left empty is absent).
    private(set) var files: [String: File] = [:]

    /// An uploaded file: its name as the browser gave it, and its bytes.
    struct File: Sendable {
        let filename: String
        let bytes: [UInt8]
    }

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
    /// Text with a NUL character or invalid UTF-8 is refused (400): no one types it, and the
    /// database would refuse it later, as a server error.
    static func read(_ request: inout Request, signedIn: Bool) async throws -> WebForm {
        let contentType = request.headers[.contentType] ?? ""
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: signedIn ? limit : visitorLimit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw WebFailure(status: .contentTooLarge, key: "error_too_large")
        }
        let bytes = Array(buffer.readableBytesView)
        let form: WebForm
        if contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            form = WebForm(values: urlEncoded(String(decoding: bytes, as: UTF8.self)))
        } else if signedIn, contentType.lowercased().hasPrefix("multipart/form-data"), let boundary = Self.boundary(of: contentType) {
            guard (1...boundaryLimit).contains(boundary.utf8.count) else { throw WebFailure(status: .badRequest, key: "error_bad_form") }
            form = try multipartForm(bytes, boundary: boundary)
        } else {
            form = WebForm()
        }
        for (name, value) in form.values where name.contains("\u{0}") || (value.contains("\u{0}") && form.files[name] == nil)
            || name.contains("\u{FFFD}") || (value.contains("\u{FFFD}") && form.files[name] == nil) {
            throw WebFailure(status: .badRequest, key: "error_bad_form")
        }
        return form
    }

    private static func multipartForm(_ bytes: [UInt8], boundary: String) throws -> WebForm {
        var form = WebForm()
        for part in multipart(bytes, boundary: boundary) {
            // A file's text is also a value, for forms that read an uploaded text file.
            if let filename = part.filename, !filename.isEmpty { form.files[part.name] = File(filename: filename, bytes: part.bytes) }
            form.values.append((part.name, String(decoding: part.bytes, as: UTF8.self)))
        }
        return form
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

    /// The parts of a multipart body (RFC 7578): each part's name, file name (for a file) and bytes.
    static func multipart(_ body: [UInt8], boundary: String) -> [(name: String, filename: String?, bytes: [UInt8])] {
        let delimiter = Array("--\(boundary)".utf8)
        var result: [(name: String, filename: String?, bytes: [UInt8])] = []
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
            guard let name = disposition(head, "name") else { continue }
            result.append((name, disposition(head, "filename"), Array(part[(split + 4)...])))
        }
        return result
    }

    /// A parameter (`name`, `filename`) of the part's Content-Disposition header.
    private static func disposition(_ head: String, _ parameter: String) -> String? {
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition") {
            for item in line.split(separator: ";").dropFirst() {
                let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == parameter {
                    return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
        }
        return nil
    }

    /// The first place of `needle` from `start`, compared in place (no copy); with a needle of
    /// at most 74 bytes (a boundary and its dashes) the search stays linear in practice.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var index = start
                let last = hay.count - pin.count
                while index <= last {
                    if hay[index] == pin[0] {
                        var matched = 1
                        while matched < pin.count && hay[index + matched] == pin[matched] { matched += 1 }
                        if matched == pin.count { return index }
                    }
                    index += 1
                }
                return nil
            }
        }
    }
}

/// A page that cannot be shown: its status and the key of the text that says why.
struct WebFailure: Error {
    var status: HTTPResponse.Status
    var key: String
    var detail: String?
}
