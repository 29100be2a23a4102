/// "Did you mean" suggestions by edit distance, for unknown names of any kind.
public enum Suggestion {
    /// The candidate closest to `name` by Levenshtein distance (ignoring case), or nil when none
    /// is close enough to be a plausible typo: at most a third of the name's length, between 1 and 3.
    /// Ties go to the candidate that sorts first, so the answer does not depend on the order given.
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let limit = min(3, max(1, name.count / 3))
        let target = name.lowercased()
        var best: (distance: Int, candidate: String)?
        for candidate in candidates {
            let distance = levenshtein(target, candidate.lowercased())
            guard distance <= limit else { continue }
            if let current = best,
               current.distance < distance || (current.distance == distance && current.candidate <= candidate) {
                continue
            }
            best = (distance, candidate)
        }
        return best?.candidate
    }

    /// The Levenshtein distance between two strings, counted in characters.
    public static func levenshtein(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// `; did you mean 'x'?` when a close candidate exists, else the empty string.
    static func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String {
        closest(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}
