import Foundation

/// How a legal clock's due date was computed, as data (the `context` of its history lines
/// and escalations, the API's `clocks`) and in a person's words (the case page, the
/// portal): when it started, each suspension and the rule applied on resume, the days not
/// counted, the due date, and what the administration's silence will mean.
public struct ClockExplanation: Sendable {
    public enum Language: Sendable { case french, english }

    public let run: ClockRun
    public let clock: ClockDefinition
    public let calendar: BusinessCalendar

    public init(run: ClockRun, clock: ClockDefinition, calendar: BusinessCalendar) {
        self.run = run
        self.clock = clock
        self.calendar = calendar
    }

    /// Public holidays on weekdays between the start of the current count and the due date:
    /// the days a business-day clock did not count besides Saturdays and Sundays.
    public var holidaysSkipped: [CalendarDate] {
        guard clock.duration.value.businessDays > 0, let due = run.dueAt ?? run.endedAt,
              var day = CalendarDate(run.countsFrom, in: calendar.timeZone), let last = CalendarDate(due, in: calendar.timeZone) else { return [] }
        var days: [CalendarDate] = []
        while day < last, days.count < 400 {
            guard let next = day.adding(days: 1) else { break }
            day = next
            if !day.isWeekend && calendar.isHoliday(day) { days.append(day) }
        }
        return days
    }

    public var computation: JSONValue {
        var object = run.json.objectValue ?? [:]
        object["clock"] = .string(clock.id.value)
        object["label"] = .string(clock.title)
        object["duration"] = .string(clock.duration.value.description)
        object["business_days"] = .bool(clock.duration.value.businessDays > 0)
        object["on_resume"] = .string(clock.onResume.rawValue)
        object["holidays_skipped"] = .array(holidaysSkipped.map { .string($0.description) })
        object["silence"] = .string(clock.silence.rawValue)
        switch clock.onExpiry {
        case .state(let state): object["on_expiry"] = .object(["to": .string(state.value)])
        case .escalate(let code): object["on_expiry"] = .object(["escalate": .string(code.value)])
        }
        return .object(object)
    }

    /// The explanation, one sentence per step, in `language`; `stateTitle` names a state
    /// (`STATE` or `TRACK.STATE`) for people.
    public func lines(_ language: Language, stateTitle: (String) -> String) -> [String] {
        let french = language == .french
        let withTime = clock.duration.value.hasTimeOfDay
        func date(_ value: Date) -> String { Self.format(value, french: french, withTime: withTime, timeZone: calendar.timeZone) }
        func place(_ suspension: ClockRun.Suspension) -> String {
            stateTitle(suspension.track.map { "\($0).\(suspension.state)" } ?? suspension.state)
        }
        var lines: [String] = []
        let length = Self.words(clock.duration.value, french: french)
        lines.append(french ? "« \(clock.title) » : \(length), à compter du \(date(run.startedAt))."
                            : "“\(clock.title)”: \(length), counted from \(date(run.startedAt)).")
        for suspension in run.suspensions {
            guard let to = suspension.to else {
                lines.append(french ? "Suspendu depuis le \(date(suspension.from)) (« \(place(suspension)) ») : le délai ne court pas tant que le dossier y reste."
                                    : "Suspended since \(date(suspension.from)) (“\(place(suspension))”): the delay does not run while the case stays there.")
                continue
            }
            let rule: String
            if suspension.resumedBy == ClockDefinition.ResumeRule.continue.rawValue {
                rule = french ? "le délai a repris là où il s'était arrêté le \(date(to))" : "the delay went on where it had stopped on \(date(to))"
            } else if suspension.resumedBy == ClockDefinition.ResumeRule.restart.rawValue {
                rule = french ? "le délai est reparti de zéro le \(date(to))" : "the delay started again from zero on \(date(to))"
            } else {
                rule = french ? "le délai a pris fin le \(date(to))" : "the delay ended on \(date(to))"
            }
            lines.append(french ? "Suspendu du \(date(suspension.from)) au \(date(to)) (« \(place(suspension)) ») ; \(rule)."
                                : "Suspended from \(date(suspension.from)) to \(date(to)) (“\(place(suspension))”); \(rule).")
        }
        if clock.duration.value.businessDays > 0 {
            let holidays = holidaysSkipped.compactMap { day -> String? in
                Self.format(day.startOfDay(in: calendar.timeZone), french: french, withTime: false, timeZone: calendar.timeZone)
            }
            var line = french ? "Compté en jours ouvrés : les samedis, dimanches et jours fériés ne comptent pas"
                              : "Counted in business days: Saturdays, Sundays and public holidays do not count"
            if !holidays.isEmpty { line += french ? " (jours fériés non comptés : \(holidays.joined(separator: ", ")))" : " (holidays not counted: \(holidays.joined(separator: ", ")))" }
            lines.append(line + ".")
        }
        switch run.status {
        case .running:
            if let due = run.dueAt { lines.append(french ? "Échéance : le \(date(due))." : "Due: \(date(due)).") }
        case .suspended:
            if let days = run.remainingBusinessDays {
                let left = Self.words(.businessDays(days), french: french)
                lines.append(french ? "Il restera \(left) à la reprise." : "\(left) will remain when it resumes.")
            } else if let remaining = run.remaining {
                lines.append(french ? "Il restera \(Self.span(remaining, french: true)) à la reprise." : "\(Self.span(remaining, french: false)) will remain when it resumes.")
            } else {
                lines.append(french ? "À la reprise, le délai repartira de zéro." : "When it resumes, the delay starts again from zero.")
            }
        case .stopped:
            if let ended = run.endedAt {
                let cause = run.endedBy == "closed" ? (french ? "dossier clos" : "case closed") : stateTitle(run.endedBy ?? "")
                lines.append(french ? "Arrêté le \(date(ended)) (« \(cause) ») avant son échéance." : "Stopped on \(date(ended)) (“\(cause)”) before it was due.")
            }
        case .expired:
            if let ended = run.endedAt { lines.append(french ? "Échu le \(date(ended))." : "Expired on \(date(ended)).") }
        }
        if run.isLive || run.status == .expired {
            switch clock.silence {
            case .accord:
                lines.append(french ? "Sans décision à l'échéance, le silence de l'administration vaut accord."
                                    : "Without a decision by the due date, the administration's silence means acceptance.")
            case .rejet:
                lines.append(french ? "Sans décision à l'échéance, le silence de l'administration vaut rejet."
                                    : "Without a decision by the due date, the administration's silence means refusal.")
            case .none:
                break
            }
        }
        return lines
    }

    /// `2 mois`, `10 jours ouvrés`, `1 an et 2 mois`.
    public static func words(_ duration: WorkflowDuration, french: Bool) -> String {
        func unit(_ count: Int, _ fr: (String, String), _ en: (String, String)) -> String? {
            guard count > 0 else { return nil }
            let (one, many) = french ? fr : en
            return "\(count) \(count == 1 ? one : many)"
        }
        let parts = [
            unit(duration.years, ("an", "ans"), ("year", "years")),
            unit(duration.months, ("mois", "mois"), ("month", "months")),
            unit(duration.weeks, ("semaine", "semaines"), ("week", "weeks")),
            unit(duration.days, ("jour", "jours"), ("day", "days")),
            unit(duration.businessDays, ("jour ouvré", "jours ouvrés"), ("business day", "business days")),
            unit(duration.hours, ("heure", "heures"), ("hour", "hours")),
            unit(duration.minutes, ("minute", "minutes"), ("minute", "minutes")),
            unit(duration.seconds, ("seconde", "secondes"), ("second", "seconds")),
        ].compactMap { $0 }
        guard let last = parts.last else { return french ? "aucune durée" : "no time" }
        return parts.count == 1 ? last : parts.dropLast().joined(separator: ", ") + (french ? " et " : " and ") + last
    }

    /// A length of time left, in days when a day or more, else in hours, minutes or seconds.
    public static func span(_ seconds: Double, french: Bool) -> String {
        let days = Int(seconds / 86_400)
        if days >= 1 { return words(.days(days), french: french) }
        if seconds >= 3600 { return words(.hours(Int(seconds / 3600)), french: french) }
        if seconds >= 60 { return words(.minutes(Int(seconds / 60)), french: french) }
        return words(.seconds(max(0, Int(seconds))), french: french)
    }

    static let frenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                               "novembre", "décembre"]
    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                                "November", "December"]

    /// `3 mars 2026` (`à 14 h 05` with the time), or `March 3, 2026`, in the calendar's time zone.
    public static func format(_ date: Date, french: Bool, withTime: Bool, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let (year, month, day) = (parts.year ?? 0, parts.month ?? 1, parts.day ?? 1)
        let hour = parts.hour ?? 0, minute = parts.minute ?? 0, second = parts.second ?? 0
        if french {
            let text = "\(day == 1 ? "1er" : String(day)) \(frenchMonths[month - 1]) \(year)"
            return withTime ? text + String(format: " à %d h %02d min %02d s", hour, minute, second) : text
        }
        let text = "\(englishMonths[month - 1]) \(day), \(year)"
        return withTime ? text + String(format: " at %02d:%02d:%02d", hour, minute, second) : text
    }
}
