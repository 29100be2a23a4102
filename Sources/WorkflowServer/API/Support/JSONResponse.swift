import Foundation
import Hummingbird
import Workflow

/// Responses with a JSON body written from a `JSONValue` (numbers exact, as stored).
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
    }

    /// A time as the API writes it: RFC 3339 in UTC, milliseconds.
    static func time(_ date: Date) -> JSONValue {
        .string(RFC3339.format(date, in: TimeZone(identifier: "UTC")!))
    }

    static func time(_ date: Date?) -> JSONValue {
        date.map(time) ?? .null
    }

    static func id(_ id: UUID) -> JSONValue { .string(id.lowercasedString) }
}
