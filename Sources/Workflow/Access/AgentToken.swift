/// A bearer token: `pc_` then 43 base64url characters carrying 256 random bits.
///
/// The prefix makes a leaked token easy to recognise (secret scanners, logs); the random part
/// comes from the system's cryptographic generator. Only `sha256` is ever stored.
public struct AgentToken: Sendable, Hashable {
    /// What every token starts with.
    public static let prefix = "pc_"
    /// Random bytes per token: 256 bits.
    static let randomByteCount = 32
    /// 32 bytes in unpadded base64url.
    static let encodedCount = 43

    /// The secret, to give the agent once.
    public let text: String

    /// A new token from `SystemRandomNumberGenerator` (the kernel's CSPRNG).
    public static func generate() -> AgentToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<randomByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return AgentToken(text: prefix + base64URL(bytes))
    }

    init(text: String) {
        self.text = text
    }

    /// The SHA-256 of the token, as stored and looked up.
    public var sha256: String { SHA256Digest.hex(text) }

    /// Whether `text` has the shape of a token; anything else is refused without a lookup.
    public static func looksValid(_ text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        return isEncodedRandom(text.utf8.dropFirst(prefix.utf8.count))
    }

    /// Whether `bytes` have the shape of 256 random bits in unpadded base64url (a token's
    /// body, a session id).
    static func isEncodedRandom<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        bytes.count == encodedCount && bytes.allSatisfy { alphabet.utf8.contains($0) }
    }

    private static let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    /// RFC 4648 §5 base64url without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        let symbols = Array(alphabet.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var group = UInt32(0)
            for (offset, byte) in chunk.enumerated() { group |= UInt32(byte) << UInt32(16 - offset * 8) }
            for position in 0...chunk.count { output.append(symbols[Int(group >> UInt32(18 - position * 6) & 0x3f)]) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension AgentToken: CustomStringConvertible {
    /// Never the secret, so that a token printed or logged by mistake gives nothing away.
    public var description: String { "\(Self.prefix)… (a bearer token; its text is shown once, when it is made)" }
}
