import ArgumentParser
import Foundation
import Workflow

/// `workflow webhooks …`: the endpoints that receive an agency's events, managed by an
/// operator at the shell. Each subcommand lives in `Webhooks/WebhooksCommand+NAME.swift`.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Register the endpoints that receive an agency's events; list, disable, enable them, rotate their secrets.",
        discussion: """
            The workers push every event of the cases an agency takes part in to its endpoints, \
            signed by Standard Webhooks, in order per case, retried with backoff for 24 hours; then \
            the endpoint is disabled until 'enable' resumes it where it stopped (see docs/events.md). \
            Secrets are printed once and sealed at rest with the secrets key file \
            ($PARCOURS_SECRETS_KEY_FILE, default ./.parcours/secrets.key).
            """,
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Rotate.self])

    static func commaList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Where the secrets key is, for the subcommands that seal a secret.
struct SecretsKeyOptions: ParsableArguments {
    @Option(help: "The secrets key file that seals the signing secrets [$PARCOURS_SECRETS_KEY_FILE, default ./.parcours/secrets.key]; made if missing.")
    var secretsKeyFile: String?

    var file: URL { secretsKeyFile.map { URL(fileURLWithPath: $0) } ?? SecretsKey.defaultFile() }

    func load(create: Bool) throws -> SecretsKey {
        do {
            return try SecretsKey.load(from: file, create: create)
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}

extension WebhooksCommand {
    /// `workflow webhooks add --agency A URL`: registers an endpoint and prints its secret once.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register an endpoint for an agency's systems and print its whsec_ signing secret, once.",
            discussion: """
                The endpoint receives the events of the cases the agency takes part in from now on \
                (earlier ones are in GET /api/v1/events), with the data an agent of the agency sees; \
                fields shown only to roles (visible_to: [role:…]) only for the --roles given.
                """)

        @Argument(help: "The receiver's URL (http or https; a public address unless --allow-webhook-hosts names its host).")
        var url: String

        @Option(help: "The agency whose systems receive (such as cnracl).")
        var agency: String

        @Option(help: "Roles of the agency whose restricted fields it may also receive, separated by commas.",
                transform: WebhooksCommand.commaList)
        var roles: [String] = []

        @Option(help: "Only these event types, separated by commas (default: all).", transform: WebhooksCommand.commaList)
        var types: [String]?

        @Option(help: "Hosts allowed whatever their address, separated by commas [$PARCOURS_ALLOW_WEBHOOK_HOSTS].")
        var allowWebhookHosts: String?

        @OptionGroup var key: SecretsKeyOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withSession { session in
                // A new key only for the first endpoint: with endpoints already sealed, a missing
                // file means the wrong folder or variable, and a new key would seal a secret the
                // workers cannot open.
                let existing = try await WebhookStore(session.database).list()
                if !existing.isEmpty, !FileManager.default.fileExists(atPath: key.file.path) {
                    Output.error("error: \(existing.count) endpoint(s) are sealed with a secrets key, but \(key.file.path) does not exist; run from the deployment's folder or give its key with --secrets-key-file or PARCOURS_SECRETS_KEY_FILE")
                    throw ExitCode(1)
                }
                let secretsKey = try key.load(create: existing.isEmpty)
                let added: WebhookRegistry.Added
                do {
                    added = try await WebhookRegistry(database: session.database, catalog: session.catalog)
                        .add(agency: agency, roles: roles, url: url, types: types,
                             policy: .from(option: allowWebhookHosts), key: secretsKey, by: Operator.recorded)
                } catch let problem as WebhookRegistry.Problem {
                    Output.error("refused:\n" + problem.description.split(separator: "\n").map { "  - \($0)" }.joined(separator: "\n"))
                    throw ExitCode(1)
                }
                if output.json {
                    print(JSONValue.object(["id": .number(JSONNumber(Int(added.id))), "secret": .string(added.secret)]).serialized())
                } else {
                    print("webhook \(added.id): \(agency) -> \(url)")
                    print("secret: \(added.secret)")
                    print("(shown once: give it to the receiver's team through a safe channel; 'workflow webhooks rotate \(added.id)' makes another)")
                }
            }
        }
    }

    /// `workflow webhooks list`: every endpoint, its condition and its backlog.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the endpoints: enabled, failing (since when, last error) or disabled (why), delivered and pending.")

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withSession { session in
                let endpoints = try await WebhookStore(session.database).list()
                if output.json {
                    print(JSONValue.array(endpoints.map(\.json)).serialized())
                    return
                }
                if endpoints.isEmpty { print("no webhook endpoint") }
                for endpoint in endpoints {
                    print("\(endpoint.id)  \(endpoint.status)  \(endpoint.agency)  \(endpoint.url)")
                    var details = ["delivered \(endpoint.delivered)", "pending at most \(endpoint.pending)"]
                    if let types = endpoint.types { details.append("types \(types.joined(separator: ","))") }
                    if !endpoint.roles.isEmpty { details.append("roles \(endpoint.roles.joined(separator: ","))") }
                    print("    " + details.joined(separator: ", "))
                    if let since = endpoint.failingSince {
                        print("    failing since \(CaseOutput.format(since)), \(endpoint.attempts) attempts, next at \(CaseOutput.format(endpoint.nextAttemptAt)): \(endpoint.lastError ?? "")")
                    }
                    if !endpoint.enabled {
                        print("    disabled at \(endpoint.disabledAt.map(CaseOutput.format) ?? "?"): \(endpoint.disabledReason ?? "")")
                    }
                    if let until = endpoint.previousSecretUntil { print("    the previous secret signs too until \(CaseOutput.format(until))") }
                }
            }
        }
    }

    /// `workflow webhooks disable ID`.
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable",
            abstract: "Stop delivering to an endpoint; its events wait, and 'enable' resumes from the first one not delivered.")

        @Argument(help: "The endpoint's id (see 'workflow webhooks list').")
        var id: Int64

        @Option(help: "Why, for the list.")
        var reason: String = "disabled by an operator"

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withSession { session in
                guard try await WebhookStore(session.database).disable(id, reason: reason) else {
                    Output.error("error: there is no webhook endpoint \(id)")
                    throw ExitCode(1)
                }
                print("webhook \(id) disabled")
            }
        }
    }

    /// `workflow webhooks enable ID`.
    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable",
            abstract: "Deliver to an endpoint again, from the first event it has not acknowledged.")

        @Argument(help: "The endpoint's id (see 'workflow webhooks list').")
        var id: Int64

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withSession { session in
                guard try await WebhookStore(session.database).enable(id) else {
                    Output.error("error: there is no webhook endpoint \(id)")
                    throw ExitCode(1)
                }
                print("webhook \(id) enabled: delivery resumes from the first event it has not acknowledged")
            }
        }
    }

    /// `workflow webhooks rotate ID`.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Make a new signing secret, printed once; the old one keeps signing beside it during the grace period.")

        @Argument(help: "The endpoint's id (see 'workflow webhooks list').")
        var id: Int64

        @Option(help: "Hours during which deliveries carry both signatures (default 24).")
        var graceHours: Double = 24

        @OptionGroup var key: SecretsKeyOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard graceHours >= 0, graceHours <= 24 * 30 else { throw ValidationError("--grace-hours must be between 0 and 720") }
        }

        func run() async throws {
            let secretsKey = try key.load(create: false)
            try await database.withSession { session in
                let secret: String
                do {
                    secret = try await WebhookRegistry(database: session.database, catalog: session.catalog)
                        .rotate(id, grace: .seconds(graceHours * 3600), key: secretsKey)
                } catch let problem as WebhookRegistry.Problem {
                    Output.error("error: \(problem)")
                    throw ExitCode(1)
                }
                if output.json {
                    print(JSONValue.object(["id": .number(JSONNumber(Int(id))), "secret": .string(secret)]).serialized())
                } else {
                    print("webhook \(id): new secret: \(secret)")
                    print("(the previous secret signs too for \(graceHours.formatted()) hours; deliveries carry both signatures meanwhile)")
                }
            }
        }
    }
}
