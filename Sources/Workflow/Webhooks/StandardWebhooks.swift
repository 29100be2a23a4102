import Crypto
import Foundation

/// Standard Webhooks (standardwebhooks.com): the `whsec_` secret, and the signature a
/// receiver checks, `v1,` then base64 of HMAC-SHA256 over `id.timestamp.body` keyed by the
/// secret's bytes. Several signatures, space-separated, while a rotated secret is in grace.
public enum StandardWebhooks {
    public static let secretPrefix = "whsec_"

    /// A new secret: 32 random bytes, base64, after `whsec_`.
    public static func newSecret() -> String {
        let key = SymmetricKey(size: .bits256)
        return secretPrefix + key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The key of a `whsec_` secret; nil when it is not one.
    public static func key(of secret: String) -> SymmetricKey? {
        guard secret.hasPrefix(secretPrefix),
              let bytes = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))), bytes.count >= 24 else { return nil }
        return SymmetricKey(data: bytes)
    }

    /// `v1,SIGNATURE` of one message under one key.
    public static func signature(id: String, timestamp: Int, body: Data, key: SymmetricKey) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of a delivery, signed by every key given (the current one first).
    public static func headers(id: String, timestamp: Int, body: Data, keys: [SymmetricKey]) -> [(name: String, value: String)] {
        [("webhook-id", id),
         ("webhook-timestamp", String(timestamp)),
         ("webhook-signature", keys.map { signature(id: id, timestamp: timestamp, body: body, key: $0) }.joined(separator: " "))]
    }
}
