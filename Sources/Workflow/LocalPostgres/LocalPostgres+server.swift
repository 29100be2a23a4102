import Foundation

extension LocalPostgres {
    /// The postmaster's pid per `pg_ctl status`, or nil when no server runs.
    ///
    /// `pg_ctl status` checks that the pid in postmaster.pid is alive, so a pid file
    /// left by a crash reads as "not running".
    func serverPID() throws -> Int32? {
        guard isInitialised() else { return nil }
        let result = try runner.run([binaries.path("pg_ctl"), "status", "-D", location.dataDirectory.path])
        guard result.succeeded else { return nil }  // 3: not running, 4: no data folder
        guard let range = result.output.range(of: #"PID: (\d+)"#, options: .regularExpression),
              let pid = Int32(result.output[range].dropFirst(5))
        else { return nil }
        return Self.isZombie(pid) ? nil : pid
    }

    /// Whether `pid` has exited but was not yet reaped by its parent.
    ///
    /// A postmaster killed with -9 stays a zombie until its parent (pid 1, which in some
    /// containers reaps slowly) collects it. `pg_ctl status` then still says "running",
    /// `pg_ctl stop` waits for a pid file the dead server never removes, and a new
    /// postmaster refuses the lock file. Linux only; elsewhere this answers false.
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return false }
        // The state follows the command name in parentheses, which may itself hold spaces.
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// The pid recorded in postmaster.pid, if the file is there.
    func recordedPostmasterPID() -> Int32? {
        let file = location.dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: file, encoding: .utf8),
              let first = text.split(separator: "\n").first
        else { return nil }
        return Int32(first.trimmingCharacters(in: .whitespaces))
    }

    /// Runs `pg_ctl start`; returns false when another process won the race to start it.
    func startServer() throws -> Bool {
        log("PostgreSQL: starting on \(connection.socketDirectory) (port \(connection.port)), log in \(location.logFile.path)")
        // pg_ctl hands -o to /bin/sh, hence the quoting of the socket folder.
        let serverOptions = "-p \(options.port) -k \(CommandRunner.shellQuoted(location.socketDirectory.path)) -c listen_addresses=''"
        let deadline = Date().addingTimeInterval(TimeInterval(options.startTimeout))
        // A postmaster killed with -9 blocks its lock file until it is reaped: wait that out first.
        while let old = recordedPostmasterPID(), Self.isZombie(old), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        while true {
            let result = try runner.run([
                binaries.path("pg_ctl"), "start", "-D", location.dataDirectory.path, "-w",
                "-t", String(options.startTimeout), "-l", location.logFile.path, "-o", serverOptions,
            ])
            if result.succeeded { return true }
            if try serverPID() != nil { return false }
            // After a kill -9, until the dead postmaster is reaped the new one refuses its lock
            // file, and until the old backends notice and exit it refuses their shared memory.
            // Both clear within moments (the zombie may be reaped between the failure and this
            // check, hence the log): try again until the deadline.
            let tail = logTail(lines: 5)
            let crashLeftovers = tail.contains("pre-existing shared memory block")
                || tail.contains("lock file \"postmaster.pid\" already exists")
                || (recordedPostmasterPID().map(Self.isZombie) ?? false)
            if crashLeftovers, Date() < deadline {
                Thread.sleep(forTimeInterval: 0.2)
                continue
            }
            let fullTail = logTail()
            throw LocalPostgresError(.startFailed, """
                PostgreSQL did not start from \(location.dataDirectory.path): \(result.combined)
                Fix what the log below reports, then start again; to begin afresh with an empty \
                database, delete \(location.clusterDirectory.path).
                Last lines of \(location.logFile.path):
                \(fullTail)
                """)
        }
    }

    /// Polls with `pg_isready` until the server accepts connections or `startTimeout` passes.
    func waitUntilReady() throws {
        let deadline = Date().addingTimeInterval(TimeInterval(options.startTimeout))
        let probe: [String]
        if binaries.has("pg_isready") {
            probe = [binaries.path("pg_isready"), "-q", "-t", "1", "-h", connection.socketDirectory,
                     "-p", String(connection.port), "-U", Self.user, "-d", "postgres"]
        } else if binaries.has("psql") {
            probe = [binaries.path("psql"), "-X", "-q", "-h", connection.socketDirectory,
                     "-p", String(connection.port), "-U", Self.user, "-d", "postgres", "-c", "select 1"]
        } else {
            return  // pg_ctl start -w already waited
        }
        while true {
            if try runner.run(probe).succeeded { return }
            guard Date() < deadline else {
                throw LocalPostgresError(.timeout, """
                    PostgreSQL did not accept connections on \(connection.socketDirectory) within \(options.startTimeout) s. \
                    Read the log below, then stop it with `pg_ctl stop -D \(location.dataDirectory.path)` if it hangs.
                    Last lines of \(location.logFile.path):
                    \(logTail())
                    """)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Creates the `parcours` database on first start.
    func createDatabaseIfMissing() throws {
        if binaries.has("psql"),
           try psql("select 1 from pg_database where datname = '\(Self.database)'", database: "postgres") == "1" {
            return
        }
        let result = try runner.run([
            binaries.path("createdb"), "-h", connection.socketDirectory, "-p", String(connection.port),
            "-U", Self.user, Self.database,
        ])
        guard result.succeeded || result.combined.contains("already exists") else {
            throw LocalPostgresError(.createDatabaseFailed, "could not create the database \(Self.database): \(result.combined)")
        }
        log("PostgreSQL: created the database \(Self.database)")
    }

    /// How many client sessions besides our probe are connected, or nil when psql is missing.
    func otherClientCount() -> Int? {
        guard binaries.has("psql") else { return nil }
        let sql = "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()"
        return (try? psql(sql, database: "postgres")).flatMap { Int($0) }
    }

    /// `pg_ctl stop -m fast`: rolls back open transactions and disconnects clients, no waiting for them.
    func stopServer() throws {
        let result = try runner.run([
            binaries.path("pg_ctl"), "stop", "-D", location.dataDirectory.path, "-m", "fast",
            "-w", "-t", String(options.startTimeout),
        ])
        guard result.succeeded else {
            throw LocalPostgresError(.stopFailed, """
                could not stop PostgreSQL in \(location.dataDirectory.path): \(result.combined)
                Last lines of \(location.logFile.path):
                \(logTail())
                """)
        }
    }

    /// The last lines of server.log, for error messages.
    func logTail(lines: Int = 20) -> String {
        guard let text = try? String(contentsOf: location.logFile, encoding: .utf8) else {
            return "(no log at \(location.logFile.path))"
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
