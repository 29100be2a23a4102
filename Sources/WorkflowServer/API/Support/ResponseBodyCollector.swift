import Hummingbird

/// Reads a response's body into one buffer, to store it (the API's answers are small JSON).
final class ResponseBodyCollector: ResponseBodyWriter {
    private(set) var buffer = ByteBuffer()

    func write(_ part: ByteBuffer) async throws {
        buffer.writeImmutableBuffer(part)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}

    /// The bytes of `body`.
    static func bytes(of body: ResponseBody) async throws -> [UInt8] {
        let collector = ResponseBodyCollector()
        try await body.write(collector)
        return Array(collector.buffer.readableBytesView)
    }
}
