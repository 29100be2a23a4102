import Foundation

extension CalendarDate {
    /// The day on which `date` falls in `timeZone`, or nil when that day is outside 0001...9999.
    public init?(_ date: Date, in timeZone: TimeZone) {
        let offset = timeZone.secondsFromGMT(for: date)
        let seconds = date.timeIntervalSince1970 + Double(offset)
        guard seconds.isFinite, abs(seconds) < 1e15 else { return nil }
        let days = Int((seconds / 86_400).rounded(.down))
        self.init(daysSinceEpoch: days)
    }

    /// The first instant of this day in `timeZone`: local midnight, or the first existing
    /// local time when a daylight-saving change skips midnight.
    public func startOfDay(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day)
        if let date = calendar.date(from: components) {
            return calendar.startOfDay(for: date)
        }
        // Foundation answers for every day of 1...9999; this only stands in for a nil, using noon's offset.
        let noon = Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400 + 43_200)
        return Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400
            - Double(timeZone.secondsFromGMT(for: noon)))
    }
}
