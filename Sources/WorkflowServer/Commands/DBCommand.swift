import ArgumentParser
import Foundation
import Workflow

/// `workflow db start | stop | status`: the project's private PostgreSQL, by hand.
struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the private PostgreSQL cluster kept in ./.parcours/postgres.",
        subcommands: [Start.self, Stop.self, Status.self])

    static func cluster() throws -> LocalPostgres {
        do {
            return try LocalPostgres(projectDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                     logHandler: { Output.error($0) })
        } catch let error as LocalPostgresError {
            Output.error("error: \(error.message)")
            throw ExitCode(1)
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Initialise the cluster if needed and start it; it keeps running.")

        func run() throws {
            let cluster = try DBCommand.cluster()
            let started = try cluster.start()
            print(started ? "started PostgreSQL" : "PostgreSQL was already running")
            print("DATABASE_URL=\(cluster.connection.url)")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the cluster (fast shutdown: open sessions are ended).")

        func run() throws {
            let cluster = try DBCommand.cluster()
            print(try cluster.stop() ? "stopped PostgreSQL" : "PostgreSQL was not running")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Say whether the cluster is initialised and running, and where.")

        func run() throws {
            let status = try DBCommand.cluster().status()
            print("initialised  \(status.isInitialised ? "yes" : "no")")
            print("running      \(status.isRunning ? "yes" + (status.pid.map { " (pid \($0))" } ?? "") : "no")")
            print("cluster      \(status.clusterDirectory.path)")
            print("log          \(status.logFile.path)")
            print("DATABASE_URL=\(status.url)")
        }
    }
}
