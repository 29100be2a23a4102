import Foundation

/// The OpenAPI contract, as shipped beside the binary.
enum OpenAPIDocument {
    static let text: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            return "# the OpenAPI document is missing from this build\n"
        }
        return text
    }()
}
