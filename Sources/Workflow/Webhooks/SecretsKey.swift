import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The deployment's key for the secrets Parcours must be able to read back (a webhook's
/// signing secret cannot be hashed: it signs). Secrets are sealed with AES-256-GCM under
/// this key before they reach the database, and the key lives in a file outside it
/// (`$PARCOURS_SECRETS_KEY_FILE`, default `./.parcours/secrets.key`, mode 0600): a dump or a
/// backup of the database alone gives no secret away, and a tampered row fails to open.
public struct SecretsKey: Sendable {
    let key: SymmetricKey

    public init(_ key: SymmetricKey) {
        self.key = key
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The file named by `$PARCOURS_SECRETS_KEY_FILE`, else `.parcours/secrets.key` in `directory`.
    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment,
                                   directory: String = FileManager.default.currentDirectoryPath) -> URL {
        if let path = environment["PARCOURS_SECRETS_KEY_FILE"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: directory).appendingPathComponent(".parcours/secrets.key")
    }

    /// Reads the key file; with `create`, makes one (32 random bytes, base64, mode 0600)
    /// when there is none.
    public static func load(from file: URL, create: Bool) throws -> SecretsKey {
        let manager = FileManager.default
        if !manager.fileExists(atPath: file.path) {
            guard create else {
                throw Failure(description: "the secrets key file \(file.path) does not exist (it is made by the first `workflow webhooks add`; set PARCOURS_SECRETS_KEY_FILE to use another)")
            }
            try manager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let key = SymmetricKey(size: .bits256)
            let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
            // Created with mode 0600 from the start, and only if absent: two commands made at
            // once cannot each write a key of their own.
            let descriptor = Glibc.open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if descriptor < 0 {
                if errno == EEXIST { return try load(from: file, create: false) }
                throw Failure(description: "could not create the secrets key file \(file.path) (errno \(errno))")
            }
            defer { Glibc.close(descriptor) }
            let written = Array(text.utf8).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written == text.utf8.count else { throw Failure(description: "could not write the secrets key file \(file.path)") }
            return SecretsKey(key)
        }
        let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            throw Failure(description: "the secrets key file \(file.path) does not hold 32 bytes in base64")
        }
        return SecretsKey(SymmetricKey(data: bytes))
    }

    /// Nonce, ciphertext and tag, in one piece.
    public func seal(_ secret: String) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(Data(secret.utf8), using: key).combined else {
            throw Failure(description: "could not seal a secret")
        }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8]) throws -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: Data(sealed))
            guard let text = String(data: try AES.GCM.open(box, using: key), encoding: .utf8) else {
                throw Failure(description: "a sealed secret is not text")
            }
            return text
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "a sealed secret does not open with this deployment's secrets key (another key file, or a changed row)")
        }
    }
}

/// The secrets key as a long-running process reads it: from its file when first needed,
/// then kept; a file missing at start (the first endpoint is added while the worker
/// runs) is looked for again at the next use rather than failing until a restart.
public final class SecretsKeySource: @unchecked Sendable {
    private let lock = NSLock()
    private let file: URL?
    private var loaded: SecretsKey?

    public init(file: URL) {
        self.file = file
    }

    public init(_ key: SecretsKey) {
        file = nil
        loaded = key
    }

    public func key() throws -> SecretsKey {
        try lock.withLock {
            if let loaded { return loaded }
            guard let file else { throw SecretsKey.Failure(description: "no secrets key") }
            let key = try SecretsKey.load(from: file, create: false)
            loaded = key
            return key
        }
    }
}
