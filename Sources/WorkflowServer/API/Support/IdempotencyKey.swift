import HTTPTypes
import Hummingbird

/// The `Idempotency-Key` request header and the `Idempotency-Replayed` answer header.
enum IdempotencyKey {
    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotency-Replayed")!
    /// The headers of an answer that are stored and replayed with its status and body.
    static let keptHeaders: [HTTPField.Name] = [.contentType, .location, .retryAfter, .wwwAuthenticate]

    /// The request's key: nil without the header; a 400 naming the header when it is sent
    /// twice or is not 1 to 255 printable ASCII characters.
    static func of(_ request: Request) throws -> String? {
        let values = request.headers[values: header]
        guard let key = values.first else { return nil }
        guard values.count == 1 else {
            throw Problem.badRequest("send one Idempotency-Key header, not \(values.count)", parameter: "Idempotency-Key")
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw Problem.badRequest("the Idempotency-Key must be 1 to 255 printable ASCII characters", parameter: "Idempotency-Key")
        }
        return key
    }
}
