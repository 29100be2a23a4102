import Foundation

extension LocalPostgres {
    /// Whether `initdb` has completed in the data folder (it writes PG_VERSION).
    func isInitialised() -> Bool {
        FileManager.default.fileExists(atPath: location.dataDirectory.appendingPathComponent("PG_VERSION").path)
    }

    /// Runs `initdb` and appends the settings that keep the server off the network.
    ///
    /// `trust` is safe only because there is no TCP at all (`listen_addresses = ''`, and
    /// host lines rejected) and the socket sits in a 0700 folder: whoever can reach the
    /// socket can already read the data files.
    func initialise() throws {
        log("PostgreSQL: initialising a cluster in \(location.dataDirectory.path)")
        var arguments = [
            binaries.path("initdb"), "-D", location.dataDirectory.path, "-U", Self.user,
            "--auth-local=trust", "--auth-host=reject", "--encoding=UTF8", "--no-instructions",
        ]
        #if os(Linux)
        // C.UTF-8: byte-order sorting that never changes with a glibc upgrade, yet
        // upper()/lower() still know accented letters.
        arguments.append("--locale=C.UTF-8")
        #else
        arguments.append("--no-locale")
        #endif
        if options.throwaway { arguments.append("--no-sync") }
        let result = try runner.run(arguments)
        guard result.succeeded else {
            throw LocalPostgresError(.initFailed, """
                initdb could not create the cluster in \(location.dataDirectory.path): \(result.combined)
                Check that the folder is empty and writable by \(runner.systemUser ?? "the current user"), or delete it to start afresh.
                """)
        }
        try appendSettings()
    }

    private func appendSettings() throws {
        var settings = """

            # Added by Parcours: Unix socket only, in a private folder, so that `trust`
            # authentication reaches no one who could not already read the data files.
            listen_addresses = ''
            unix_socket_directories = '\(location.socketDirectory.path.replacingOccurrences(of: "'", with: "''"))'

            """
        if options.throwaway {
            settings += """
                # A throwaway cluster for tests: losing it in a crash costs nothing, waiting for disks costs time.
                fsync = off
                synchronous_commit = off
                full_page_writes = off

                """
        }
        let file = location.dataDirectory.appendingPathComponent("postgresql.conf")
        do {
            // Appending keeps the file's owner (postgres when we are root).
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(settings.utf8))
        } catch {
            throw LocalPostgresError(.initFailed, "could not write the settings to \(file.path): \(error)")
        }
    }
}
