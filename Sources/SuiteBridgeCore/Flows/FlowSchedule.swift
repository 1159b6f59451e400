import Foundation

/// When a flow runs on its own: an interval (`every 15m`, `every 2h`, `every 30s`) or a cron expression with five
/// fields (minute hour day-of-month month day-of-week; `*`, numbers, `a-b` ranges, `a,b` lists and `*/n` steps), in UTC.
public struct FlowSchedule: Sendable, Hashable {
    enum Backing: Sendable, Hashable {
        case interval(TimeInterval)
        case cron([Set<Int>])
    }

    let backing: Backing
    public let text: String

    /// The shortest interval: one minute (a cron expression cannot be shorter either).
    public static let minimumInterval: TimeInterval = 60
    /// The longest interval: a year.
    public static let maximumInterval: TimeInterval = 366 * 86_400

    /// - Throws: ``SuiteBridgeError`` `.invalidInput` naming `schedule` for anything else, or an interval under a
    ///   minute or over a year.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        self.text = trimmed
        if trimmed.lowercased().hasPrefix("every ") {
            let amount = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
            let units: [(String, TimeInterval)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
            guard let unit = units.first(where: { amount.hasSuffix($0.0) }), let number = Double(amount.dropLast()), number.isFinite, number > 0 else {
                throw Self.error(text)
            }
            let seconds = number * unit.1
            guard seconds >= Self.minimumInterval, seconds <= Self.maximumInterval else {
                throw SuiteBridgeError(.invalidInput, "\(text) is outside the intervals a schedule may have.",
                                       remedy: "Use an interval from every 1m to every 366d.", field: "schedule")
            }
            backing = .interval(seconds)
            return
        }
        let fields = trimmed.split(separator: " ", omittingEmptySubsequences: true)
        let ranges = [0...59, 0...23, 1...31, 1...12, 0...6]
        guard fields.count == 5 else { throw Self.error(text) }
        var sets: [Set<Int>] = []
        for (field, range) in zip(fields, ranges) {
            guard let set = Self.parseField(String(field), range: range) else { throw Self.error(text) }
            sets.append(set)
        }
        backing = .cron(sets)
    }

    static func error(_ text: String) -> SuiteBridgeError {
        SuiteBridgeError(.invalidInput, "\"\(text)\" is not a schedule.",
                         remedy: "Use an interval (every 15m, every 2h) or a cron expression of five fields (*/15 * * * *), in UTC.", field: "schedule")
    }

    static func parseField(_ text: String, range: ClosedRange<Int>) -> Set<Int>? {
        var result = Set<Int>()
        for part in text.split(separator: ",") {
            var step = 1
            var body = Substring(part)
            if let slash = part.firstIndex(of: "/") {
                guard let value = Int(part[part.index(after: slash)...]), value > 0 else { return nil }
                step = value
                body = part[..<slash]
            }
            let bounds: ClosedRange<Int>
            if body == "*" {
                bounds = range
            } else if let dash = body.firstIndex(of: "-") {
                guard let low = Int(body[..<dash]), let high = Int(body[body.index(after: dash)...]), low <= high else { return nil }
                bounds = low...high
            } else {
                // Checked before it makes a range: "69/36" as minutes trapped (69...59), found by fuzzing.
                guard let value = Int(body), range.contains(value) else { return nil }
                bounds = value...(step > 1 ? range.upperBound : value)
            }
            guard range.contains(bounds.lowerBound), range.contains(bounds.upperBound) else { return nil }
            result.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return result.isEmpty ? nil : result
    }

    /// The first time after `date` the schedule fires.
    public func next(after date: Date) -> Date {
        switch backing {
        case .interval(let seconds):
            return date.addingTimeInterval(seconds)
        case .cron(let sets):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            var candidate = calendar.date(bySetting: .second, value: 0, of: date.addingTimeInterval(60)) ?? date.addingTimeInterval(60)
            if candidate <= date { candidate = candidate.addingTimeInterval(60) }
            for _ in 0..<(366 * 24 * 60) {
                let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: candidate)
                if sets[0].contains(parts.minute ?? -1), sets[1].contains(parts.hour ?? -1), sets[2].contains(parts.day ?? -1),
                   sets[3].contains(parts.month ?? -1), sets[4].contains((parts.weekday ?? 1) - 1) {
                    return candidate
                }
                candidate = candidate.addingTimeInterval(60)
            }
            return candidate
        }
    }
}
