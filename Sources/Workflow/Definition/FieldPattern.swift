import Foundation

/// The regular expressions of `pattern:`, compiled once and checked at load time.
public enum FieldPattern {
    /// Why a pattern does not compile, or nil when it does.
    public static func problem(in pattern: String) -> String? {
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            return "check its brackets and escapes (in YAML, quote it with single quotes so that backslashes stay as written)"
        }
    }

}
