import Foundation
import Hummingbird
import Workflow

/// An RFC 9457 problem: what went wrong (`title`, `detail`) and where (`pointer`, a JSON
/// pointer into the request body, or `parameter`, a query or path parameter). Every error
/// the API returns is one, as `application/problem+json`.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var detail: String
    var pointer: String?
    var parameter: String?
    /// Extra members (an engine refusal's code, validation diagnostics).
    var members: [String: JSONValue] = [:]
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ detail: String, title: String? = nil, pointer: String? = nil,
         parameter: String? = nil, members: [String: JSONValue] = [:]) {
        self.status = status
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.pointer = pointer
        self.parameter = parameter
        self.members = members
    }

    static func badRequest(_ detail: String, pointer: String? = nil, parameter: String? = nil) -> Problem {
        Problem(.badRequest, detail, pointer: pointer, parameter: parameter)
    }

    static func notFound(_ detail: String) -> Problem { Problem(.notFound, detail) }

    static func forbidden(_ detail: String) -> Problem { Problem(.forbidden, detail) }

    static func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(.unauthorized, detail)
        problem.headers[.wwwAuthenticate] = #"Bearer realm="parcours""#
        return problem
    }

    var json: JSONValue {
        var object = members
        object["type"] = "about:blank"
        object["title"] = .string(title)
        object["status"] = .number(JSONNumber(Int(status.code)))
        object["detail"] = .string(detail)
        if let pointer { object["pointer"] = .string(pointer) }
        if let parameter { object["parameter"] = .string(parameter) }
        return .object(object)
    }

    func response() -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json.serialized())))
    }
}
