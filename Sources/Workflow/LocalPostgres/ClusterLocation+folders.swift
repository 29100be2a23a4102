import Foundation

extension ClusterLocation {
    /// Creates the cluster and socket folders, private (0700) and owned by the user the server runs as.
    ///
    /// As root the folders are made with `install -d -o postgres -g postgres -m 0700`, because
    /// the server runs as `postgres` and must own its data folder.
    func createFolders(runner: CommandRunner) throws {
        guard let user = runner.systemUser else {
            for folder in [clusterDirectory, socketDirectory] {
                do {
                    try FileManager.default.createDirectory(
                        at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
                } catch {
                    throw LocalPostgresError(.folderNotUsable, "could not create \(folder.path): \(error). Check the permissions of its parent folder.")
                }
            }
            return
        }
        let parent = clusterDirectory.deletingLastPathComponent()
        // The fallback's parent, ~postgres/parcours, is the postgres user's own; a project's
        // .parcours folder stays root's so only the cluster inside it changes hands.
        var owned = [clusterDirectory, socketDirectory]
        if isFallback { owned.insert(parent, at: 0) } else {
            try? FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        }
        let root = CommandRunner(systemUser: nil, environment: runner.environment)
        for folder in owned {
            let result = try root.run(["install", "-d", "-o", user, "-g", user, "-m", "0700", folder.path])
            guard result.succeeded else {
                throw LocalPostgresError(.folderNotUsable, "could not create \(folder.path) for the \(user) user: \(result.combined)")
            }
        }
    }
}
