import Foundation

/// `--map OLD=NEW`: where a state that the new version renamed or removed is found in it. A
/// state of the main machine is named `STATE`, a track's state `TRACK.STATE` (the target may
/// omit the track: it stays the same). A state that is not mapped keeps its name.
public struct StateMapping: Sendable, Hashable {
    /// Old name (`instruction`, `sre.verification`) to new state name (without the track).
    public private(set) var entries: [String: String]

    public init(_ entries: [String: String] = [:]) {
        self.entries = entries
    }

    /// Reads `OLD=NEW` items; every malformed or repeated one is reported at once.
    public init(parsing items: [String]) throws(MappingError) {
        var entries: [String: String] = [:]
        var problems: [String] = []
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                problems.append("'\(item)' is not OLD=NEW (a state, or TRACK.STATE for a track's state)")
                continue
            }
            var target = parts[1]
            if let dot = parts[0].firstIndex(of: ".") {
                let trackPrefix = String(parts[0][..<dot]) + "."
                if target.hasPrefix(trackPrefix) { target = String(target.dropFirst(trackPrefix.count)) }
            }
            if let earlier = entries[parts[0]], earlier != target {
                problems.append("'\(parts[0])' is mapped twice (to '\(earlier)' and to '\(target)')")
                continue
            }
            entries[parts[0]] = target
        }
        guard problems.isEmpty else { throw MappingError(problems: problems) }
        self.entries = entries
    }

    /// Where a state of the main machine goes.
    public func main(_ state: String) -> String { entries[state] ?? state }

    /// Where a track's state goes (in the same track).
    public func track(_ track: String, _ state: String) -> String { entries["\(track).\(state)"] ?? state }

    /// The entries as the `migrated` history line and the reports record them.
    public var json: JSONValue { .object(entries.mapValues(JSONValue.string)) }

    /// Every entry that names no state of the new version: a mapping must lead somewhere.
    /// The items of `items` that read well, the others left out: what can still be checked
    /// against the versions when some item could not be read.
    public static func readable(_ items: [String]) -> StateMapping {
        var kept: [String] = []
        for item in items where (try? StateMapping(parsing: kept + [item])) != nil { kept.append(item) }
        return (try? StateMapping(parsing: kept)) ?? StateMapping()
    }

    public func problems(in target: WorkflowDefinition) -> [String] {
        entries.keys.sorted().compactMap { key in
            let value = entries[key]!
            guard let dot = key.firstIndex(of: ".") else {
                return target.state(value) == nil ? "'\(key)=\(value)': version \(target.version.value) has no state '\(value)'" : nil
            }
            let track = String(key[..<dot])
            let found = target.states.contains { state in
                guard case .parallel(let parallel) = state.kind else { return false }
                return parallel.track(track)?.state(value) != nil
            }
            return found ? nil : "'\(key)=\(value)': version \(target.version.value) has no state '\(value)' in a track '\(track)'"
        }
    }
}

/// A mapping that cannot be read, with every problem.
public struct MappingError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}
