import Foundation

/// Times as an agent reads them: a date in Paris time, and what is left before a due time
/// (or how late it is), in the page's language.
enum TimeText {
    static let zone = TimeZone(identifier: "Europe/Paris")!

    static func date(_ date: Date?, _ texts: Texts) -> String {
        guard let date else { return "" }
        let formatter = DateFormatter()
        formatter.timeZone = zone
        formatter.locale = Locale(identifier: texts.language == .french ? "fr_FR" : "en_GB")
        formatter.dateFormat = texts.language == .french ? "dd/MM/yyyy HH:mm" : "d MMM yyyy HH:mm"
        return formatter.string(from: date)
    }

    /// "2 j 3 h restants" or "en retard de 5 h"; nil without a due time.
    static func left(until due: Date?, now: Date = Date(), _ texts: Texts) -> (text: String, overdue: Bool)? {
        guard let due else { return nil }
        let seconds = due.timeIntervalSince(now)
        let span = span(abs(seconds), texts)
        return seconds >= 0 ? (texts.format("time_left", ["t": span]), false) : (texts.format("time_overdue", ["t": span]), true)
    }

    /// How long ago, such as "il y a 3 j".
    static func ago(_ date: Date?, now: Date = Date(), _ texts: Texts) -> String {
        guard let date else { return "" }
        return texts.format("time_ago", ["t": span(max(0, now.timeIntervalSince(date)), texts)])
    }

    /// The two largest units of a duration: "3 j 4 h", "2 h 5 min", "40 s".
    static func span(_ seconds: TimeInterval, _ texts: Texts) -> String {
        let total = Int(seconds)
        let parts = [(total / 86400, texts["unit_day"]), ((total % 86400) / 3600, texts["unit_hour"]),
                     ((total % 3600) / 60, texts["unit_minute"])]
        let shown = parts.drop { $0.0 == 0 }.prefix(2).filter { $0.0 > 0 }
        if shown.isEmpty { return "\(total) \(texts["unit_second"])" }
        return shown.map { "\($0.0) \($0.1)" }.joined(separator: " ")
    }
}
