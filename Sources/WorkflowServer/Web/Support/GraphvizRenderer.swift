import Foundation

/// Draws a workflow's DOT (the `workflow graph` output) as SVG with Graphviz's `dot`, run as a
/// subprocess with a time limit, the DOT fed on its standard input. The drawings are kept in a
/// small memory cache: a published version never changes, so neither does its drawing.
final class GraphvizRenderer: @unchecked Sendable {
    enum Failure: Error, Equatable {
        /// No `dot` program on this machine.
        case missing
        /// `dot` took longer than the limit and was stopped.
        case timedOut
        /// `dot` failed (a non-zero exit status) or wrote no SVG.
        case failed(String)
    }

    static let shared = GraphvizRenderer()

    /// Where `dot` is; nil when Graphviz is not installed.
    let executable: URL?
    let timeout: TimeInterval
    let capacity: Int
    private let lock = NSLock()
    private var cache: [String: String] = [:]
    /// Keys from the oldest to the newest use, for dropping the oldest when full.
    private var order: [String] = []

    init(executable: URL? = GraphvizRenderer.findDot(), timeout: TimeInterval = 5, capacity: Int = 64) {
        self.executable = executable
        self.timeout = timeout
        self.capacity = capacity
        // A `dot` that dies before reading all its input must not kill the server with SIGPIPE:
        // the write then fails with EPIPE instead, and the drawing is reported as failed.
        signal(SIGPIPE, SIG_IGN)
    }

    /// `dot` in the usual places, then in the folders of PATH.
    static func findDot() -> URL? {
        var folders = ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        folders += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for folder in folders where !folder.isEmpty {
            let path = folder + "/dot"
            if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        }
        return nil
    }

    /// The SVG of `dot`, ready to be put inside a page: without the XML prolog, the DOCTYPE and
    /// the comments before the `svg` element. `key` names the drawing in the cache.
    func svg(key: String, dot: String) async throws(Failure) -> String {
        if let cached = lock.withLock({ () -> String? in
            guard let found = cache[key] else { return nil }
            order.removeAll { $0 == key }
            order.append(key)
            return found
        }) {
            return cached
        }
        guard let executable else { throw .missing }
        let output = try await Self.run(executable, input: Data(dot.utf8), timeout: timeout)
        guard let text = String(data: output, encoding: .utf8), let start = text.range(of: "<svg") else {
            throw .failed("dot wrote no SVG")
        }
        let svg = String(text[start.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        lock.withLock {
            if cache.updateValue(svg, forKey: key) == nil { order.append(key) }
            while order.count > capacity { cache[order.removeFirst()] = nil }
        }
        return svg
    }

    /// Runs `dot -Tsvg` on a thread of its own (it blocks while reading), stopped after `timeout`.
    private static func run(_ executable: URL, input: Data, timeout: TimeInterval) async throws(Failure) -> Data {
        let result: Result<Data, Failure> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: runBlocking(executable, input: input, timeout: timeout))
            }
        }
        return try result.get()
    }

    private static func runBlocking(_ executable: URL, input: Data, timeout: TimeInterval) -> Result<Data, Failure> {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["-Tsvg"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(.failed("dot could not be started: \(error)"))
        }
        // Feed the input while the output is read, so that neither side waits on a full pipe.
        DispatchQueue.global().async {
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        let stopped = LockedFlag()
        let stop = DispatchWorkItem {
            if process.isRunning {
                stopped.set()
                process.terminate()
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: stop)
        let output = (try? stdout.fileHandleForReading.readToEnd()) ?? Data()
        process.waitUntilExit()
        stop.cancel()
        if stopped.value { return .failure(.timedOut) }
        guard process.terminationStatus == 0 else {
            return .failure(.failed("dot exited with status \(process.terminationStatus)"))
        }
        return .success(output)
    }
}

private final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.withLock { flag = true } }
    var value: Bool { lock.withLock { flag } }
}
