import Crypto
import Foundation
import Testing
@testable import Workflow

/// The pieces of webhooks that need no database: Standard Webhooks signatures, the sealed
/// secrets, where an endpoint may point, and what an agency's system may see.
@Suite("Webhooks: signatures, sealed secrets, addresses, what an agency's system sees")
struct WebhookPrimitiveTests {
    @Test("the signature is Standard Webhooks' own test vector")
    func standardVector() throws {
        let key = try #require(StandardWebhooks.key(of: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let signature = StandardWebhooks.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                                   body: Data(#"{"test": 2432232314}"#.utf8), key: key)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(StandardWebhooks.key(of: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == nil, "a secret without its prefix is refused")
        #expect(StandardWebhooks.key(of: "whsec_c2hvcnQ=") == nil, "a secret shorter than 24 bytes is refused")
        let secret = StandardWebhooks.newSecret()
        #expect(secret.hasPrefix("whsec_") && StandardWebhooks.key(of: secret) != nil && secret != StandardWebhooks.newSecret())
        let headers = StandardWebhooks.headers(id: "e1", timestamp: 5, body: Data("{}".utf8), keys: [key, key])
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers[2].value.split(separator: " ").count == 2, "one signature per key while a rotated secret is in grace")
    }

    @Test("secrets are sealed under the deployment's key: they open with it only, and a changed byte fails")
    func sealedSecrets() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parcours-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("secrets.key")
        #expect(throws: SecretsKey.Failure.self) { try SecretsKey.load(from: file, create: false) }
        let key = try SecretsKey.load(from: file, create: true)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "only the deployment's user reads the key")
        let sealed = try key.seal("whsec_secret")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("whsec_secret"))
        #expect(try SecretsKey.load(from: file, create: false).open(sealed) == "whsec_secret", "the same file opens it again")
        #expect(throws: SecretsKey.Failure.self) { try SecretsKey(SymmetricKey(size: .bits256)).open(sealed) }
        // A worker started before the first endpoint (and its key file) existed finds the file later.
        let later = folder.appendingPathComponent("later.key")
        let source = SecretsKeySource(file: later)
        #expect(throws: SecretsKey.Failure.self) { try source.key() }
        let made = try SecretsKey.load(from: later, create: true)
        #expect(try source.key().open(try made.seal("x")) == "x")
        var tampered = sealed
        tampered[tampered.count / 2] ^= 1
        #expect(throws: SecretsKey.Failure.self) { try key.open(tampered) }
    }

    @Test("endpoints on internal addresses are refused unless the deployment allows their host")
    func addresses() throws {
        let policy = WebhookAddressPolicy()
        for url in ["http://127.0.0.1:9000/hook", "http://10.1.2.3/", "http://192.168.0.10/", "http://172.20.0.1/",
                    "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/",
                    "http://0.0.0.0/", "http://100.64.0.1/", "http://localhost:8080/"] {
            #expect(throws: WebhookAddressPolicy.Refusal.self, "\(url)") { try policy.check(url) }
        }
        for url in ["ftp://example.org/", "http:///nohost", "https://user:pw@93.184.215.14/"] {
            #expect(throws: WebhookAddressPolicy.Refusal.self, "\(url)") { try policy.check(url) }
        }
        try policy.check("https://93.184.215.14/hooks")
        try policy.check("http://[2a00:1450:4007:80c::200e]/")
        let allowing = WebhookAddressPolicy.from(option: "127.0.0.1, Localhost", environment: [:])
        try allowing.check("http://127.0.0.1:9000/hook")
        try allowing.check("http://localhost:9000/hook")
        #expect(throws: WebhookAddressPolicy.Refusal.self) { try allowing.check("http://10.0.0.1/") }
        #expect(WebhookAddressPolicy.from(option: nil, environment: ["PARCOURS_ALLOW_WEBHOOK_HOSTS": "10.0.0.1"]).allowedHosts == ["10.0.0.1"])
    }

    @Test("an agency's system sees what its agency sees; a role's fields only with that role")
    func agencySystem() throws {
        let retirement = try EngineFixtures.example("retraite-multi-statuts")
        let plain = CaseAccess(agencySystem: "armees", roles: [], definition: retirement, name: "webhook:1")
        #expect(plain.mayKnowCases)
        #expect(!plain.mayView(field: "sante.rapport_medical"), "a medical field needs the medical adviser's role")
        #expect(plain.mayView(field: "usager.nom"))
        let medical = CaseAccess(agencySystem: "armees", roles: ["medecin-conseil"], definition: retirement, name: "webhook:2")
        #expect(medical.mayView(field: "sante.rapport_medical"))
        let foreignRole = CaseAccess(agencySystem: "cnracl", roles: ["medecin-conseil"], definition: retirement, name: "webhook:3")
        #expect(!foreignRole.mayView(field: "sante.rapport_medical"), "a role counts only in the agency the workflow gives it to")
        let stranger = CaseAccess(agencySystem: "ants", roles: [], definition: retirement, name: "webhook:4")
        #expect(!stranger.mayKnowCases && !stranger.mayView(field: "usager.nom"))
    }
}
