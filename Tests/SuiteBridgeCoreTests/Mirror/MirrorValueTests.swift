import Foundation
@testable import NetSuiteSimulator
import NIOCore
@testable import SuiteBridgeCore
import Testing

@Suite("Mirror column types and values")
struct MirrorValueTests {
    typealias Property = MirrorColumnType.SchemaProperty

    @Test("catalog properties become column types; references, lists and no type are text")
    func columnTypes() {
        let cases: [(Property?, MirrorColumnType)] = [
            (Property(type: "integer", format: "int64"), .integer), (Property(type: "number", format: "double"), .number),
            (Property(type: "boolean"), .boolean), (Property(type: "string", format: "date"), .date),
            (Property(type: "string", format: "date-time"), .dateTime), (Property(type: "object"), .text),
            (Property(type: "string"), .text), (Property(type: "array"), .text), (nil, .text),
        ]
        for (property, expected) in cases { #expect(MirrorColumnType(property) == expected, "\(String(describing: property))") }
        #expect(MirrorColumnType.allCases.map { $0.sqlType(for: .postgres) } == ["bigint", "numeric", "boolean", "date", "timestamptz", "text"])
        #expect(MirrorColumnType.allCases.map { $0.sqlType(for: .sqlite) } == ["INTEGER", "REAL", "INTEGER", "TEXT", "TEXT", "TEXT"])
        #expect(MirrorColumnType.allCases.filter(\.readsAsISOText) == [.date, .dateTime])
    }

    @Test("SuiteQL's text converts to each type; NULL (an omitted column) stays NULL")
    func conversions() throws {
        func value(_ text: String?, _ type: MirrorColumnType, zone: TimeZone = .gmt) throws -> MirrorValue {
            try MirrorValue.converting(text, to: type, table: "customer", column: "c", timeZone: zone)
        }
        #expect(try value(nil, .integer) == .null)
        #expect(try value("404", .integer) == .integer(404))
        #expect(try value("-12", .integer) == .integer(-12))
        #expect(try value("1234.50", .number) == .number("1234.50"), "kept as written, so numeric stays exact")
        #expect(try value("T", .boolean) == .boolean(true))
        #expect(try value("F", .boolean) == .boolean(false))
        #expect(try value("2024-02-29", .date) == .date("2024-02-29"))
        #expect(try value("2026-12-02T00:00:00", .date) == .date("2026-12-02"), "a TO_CHAR date-time read as a date")
        #expect(try value("Acme, Inc.", .text) == .text("Acme, Inc."))
        let utc = try #require(ISO8601DateFormatter().date(from: "2026-12-02T09:30:00Z"))
        #expect(try value("2026-12-02T09:30:00", .dateTime) == .dateTime(utc))
        #expect(try value("2026-12-02T10:30:00", .dateTime, zone: try #require(TimeZone(identifier: "Europe/Berlin"))) == .dateTime(utc),
                "read in the account's zone, stored as the instant")
        #expect(try value("2026-12-02T09:30:00Z", .dateTime, zone: try #require(TimeZone(identifier: "America/Los_Angeles"))) == .dateTime(utc))
        #expect(try value("2026-12-02T09:30:00.250", .dateTime) == .dateTime(utc.addingTimeInterval(0.25)))
    }

    @Test("a value that is not its column's type is an error naming table, column and value")
    func refusals() {
        let cases: [(String, MirrorColumnType)] = [
            ("12a", .integer), ("1.5", .integer), ("", .integer), ("NaN", .number), ("1e999", .number), ("abc", .number),
            ("yes", .boolean), ("12/2/2026", .date), ("2026-02-30", .date), ("2026-13-01", .date), ("2026-12-02", .dateTime),
            ("2026-12-02T25:00:00", .dateTime), ("2026-12-02 10:00:00", .dateTime),
        ]
        for (text, type) in cases {
            #expect(throws: MirrorValue.ConversionError.self, "\(text) as \(type)") {
                try MirrorValue.converting(text, to: type, table: "transaction", column: "trandate")
            }
        }
        let error = MirrorValue.ConversionError(table: "customer", column: "datecreated", value: "13/45/2024", expected: .date)
        #expect(error.description.hasPrefix("customer.datecreated: '13/45/2024' is not a date"))
    }

    @Test("instants for COPY and the state: the arithmetic ISO form agrees with Foundation's across eras, leap days and fractions; COPY text escapes what it must")
    func instantsAndCopyText() {
        var generator = SeededGenerator(seed: 14)
        for _ in 0..<2_000 {
            let seconds = Double(Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator))  // 1900 to 2100
            let date = Date(timeIntervalSince1970: seconds)
            #expect(MirrorDates.isoUTC(date) == date.ISO8601Format(), "\(seconds)")
        }
        let leap = Date(timeIntervalSince1970: 951_782_400)  // 2000-02-29
        #expect(MirrorDates.isoUTC(leap) == "2000-02-29T00:00:00Z")
        #expect(MirrorDates.isoUTC(leap.addingTimeInterval(0.25)) == "2000-02-29T00:00:00.250Z")
        let text = MirrorDestination.copyText([[.integer(7), .null, .boolean(true), .text("a\tb\nc\\d"), .number("1.50"), .date("2026-12-02")]], syncedAt: leap)
        #expect(String(buffer: text) == "7\t\\N\tt\ta\\tb\\nc\\\\d\t1.50\t2026-12-02\t2000-02-29T00:00:00Z\t\\N\n")
    }

    @Test("date-times read by arithmetic are the instants Calendar gives, in every zone, across DST changes (skipped and repeated hours included)")
    func dateTimesAgreeWithCalendar() throws {
        /// What the conversion computed with Calendar for every value before it was done by arithmetic.
        func calendarInstant(_ text: String, zone: TimeZone) -> Date? {
            let parts = text.split(separator: "T")
            let day = parts[0].split(separator: "-").compactMap { Int($0) }
            let time = parts[1].split(separator: ":").compactMap { Int($0) }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            return calendar.date(from: DateComponents(year: day[0], month: day[1], day: day[2], hour: time[0], minute: time[1]))?
                .addingTimeInterval(TimeInterval(time[2]))
        }
        func text(_ c: DateComponents) -> String {
            String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        }
        var generator = SeededGenerator(seed: 17)
        let zones = try ["America/Los_Angeles", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia", "GMT"].map {
            try #require(TimeZone(identifier: $0))
        }
        var gmt = Calendar(identifier: .gregorian)
        gmt.timeZone = .gmt
        for zone in zones {
            var local = Calendar(identifier: .gregorian)
            local.timeZone = zone
            // Random times, and every quarter hour for a day around each of the zone's next transitions.
            var instants = (0..<500).map { _ in Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800, using: &generator))) }
            var transition = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: 1_700_000_000))
            for _ in 0..<4 {
                guard let at = transition else { break }
                instants += stride(from: -12 * 3600, through: 12 * 3600, by: 900).map { at.addingTimeInterval(TimeInterval($0)) }
                transition = zone.nextDaylightSavingTimeTransition(after: at)
            }
            for instant in instants {
                // The local wall-clock text, and the same text an hour later (inside a skipped hour near a change).
                let wall = text(local.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant))
                let shifted = text(gmt.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                                      from: (gmt.date(from: local.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)) ?? instant).addingTimeInterval(3600)))
                for value in [wall, shifted] {
                    let converted = try MirrorValue.converting(value, to: .dateTime, table: "t", column: "c", timeZone: zone)
                    #expect(converted == calendarInstant(value, zone: zone).map(MirrorValue.dateTime), "\(value) in \(zone.identifier)")
                }
            }
        }
    }
}
