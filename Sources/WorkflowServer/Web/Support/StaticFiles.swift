import Foundation
import Hummingbird

/// The stylesheet and the little script of the pages (`Web/Static`), served from memory
/// under `/static/`, cacheable for an hour.
enum StaticFiles {
    static let files: [String: (type: String, bytes: ByteBuffer)] = {
        guard let folder = Bundle.module.url(forResource: "Static", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [:] }
        var result: [String: (type: String, bytes: ByteBuffer)] = [:]
        for name in names {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8"
                : name.hasSuffix(".js") ? "text/javascript; charset=utf-8"
                : name.hasSuffix(".svg") ? "image/svg+xml" : "application/octet-stream"
            result[name] = (type, ByteBuffer(bytes: data))
        }
        return result
    }()

    static func add(to router: Router<APIContext>) {
        router.get("/static/{name}") { _, context in
            guard let name = context.parameters.get("name"), let file = files[name] else {
                return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "not found")))
            }
            return Response(status: .ok, headers: [.contentType: file.type, .cacheControl: "public, max-age=3600",
                                                   .xContentTypeOptions: "nosniff"],
                            body: .init(byteBuffer: file.bytes))
        }
    }
}
