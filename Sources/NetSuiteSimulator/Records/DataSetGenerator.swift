import Foundation

/// Makes the deterministic data set of an account: the same seed and size give the same records.
struct DataSetGenerator {
    var customers: Int
    var seed: UInt64
    /// Dates are spread over the year before this moment.
    var baseDate: Date = SimulatorDates.make(year: 2026, month: 1, day: 1) ?? Date(timeIntervalSince1970: 1_767_225_600)

    private static let words = [
        "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Hooli",
        "Vandelay", "Massive", "Dynamic", "Northwind", "Contoso", "Fabrikam", "Litware", "Proseware", "Adventure",
        "Blue Yonder", "Coho", "Alpine", "Tailspin", "Wide World", "Margie", "Lucerne", "Fourth Coffee", "Trey", "Woodgrove",
    ]
    private static let suffixes = ["Ltd", "Inc", "GmbH", "LLC", "Group", "Trading", "Supplies", "Partners"]
    private static let firstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis", "Radia", "Linus"]
    private static let lastNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Ritchie", "Perlman", "Torvalds"]
    private static let products = ["Widget", "Gadget", "Sprocket", "Gear", "Bolt", "Flange", "Valve", "Pump", "Sensor", "Panel", "Cable", "Bracket"]

    func generate(into store: inout RecordStore) {
        var random = SeededGenerator(seed: seed)
        func ref(_ id: Int) -> JSONValue { .object(JSONObject([("id", .string(String(id)))])) }
        func date(_ dayOffset: Int, _ seconds: Int = 0) -> Date {
            baseDate.addingTimeInterval(TimeInterval(dayOffset * 86_400 + seconds))
        }
        let usd = JSONValue.object(JSONObject([("id", .string("1")), ("refName", .string("USA"))]))

        // Subsidiaries: a parent and two children.
        let parent = store.insertGenerated(.subsidiary, fields: JSONObject([
            ("name", .string("Parent Company")), ("legalName", .string("Parent Company Inc")), ("currency", usd),
            ("country", .object(JSONObject([("id", .string("US")), ("refName", .string("United States"))]))),
            ("isInactive", .bool(false)), ("isElimination", .bool(false)),
        ]), created: date(-400), modified: date(-400))
        var subsidiaries = [parent]
        for (name, country, countryName) in [("UK Subsidiary", "GB", "United Kingdom"), ("Germany Subsidiary", "DE", "Germany")] {
            subsidiaries.append(store.insertGenerated(.subsidiary, fields: JSONObject([
                ("name", .string(name)), ("legalName", .string(name + " Ltd")), ("parent", ref(parent)), ("currency", usd),
                ("country", .object(JSONObject([("id", .string(country)), ("refName", .string(countryName))]))),
                ("isInactive", .bool(false)), ("isElimination", .bool(false)),
            ]), created: date(-400), modified: date(-390)))
        }

        // Items.
        let itemCount = max(20, customers / 10)
        var items: [(id: Int, price: Double)] = []
        for index in 0..<itemCount {
            let price = Double(Int.random(in: 5...500, using: &random))
            let product = Self.products[index % Self.products.count]
            let created = date(-365 + index % 300, Int.random(in: 0..<86_400, using: &random))
            let id = store.insertGenerated(.inventoryItem, fields: JSONObject([
                ("itemId", .string(String(format: "%@-%05d", product.uppercased(), index + 1))),
                ("displayName", .string("\(product) \(index + 1)")), ("description", .string("A \(product.lowercased()) for testing")),
                ("isInactive", .bool(index % 17 == 16)), ("cost", .number(price / 2)), ("basePrice", .number(price)),
                ("externalId", .string("ITEM-\(index + 1)")),
                ("itemType", .object(JSONObject([("id", .string("InvtPart")), ("refName", .string("InvtPart"))]))),
                ("subsidiary", ref(parent)),
            ]), created: created, modified: created.addingTimeInterval(TimeInterval(Int.random(in: 0..<(86_400 * 30), using: &random))))
            items.append((id, price))
        }

        var tranNumber = 0
        for index in 0..<customers {
            let word = Self.words[index % Self.words.count]
            let company = "\(word) \(Self.suffixes[(index / Self.words.count) % Self.suffixes.count]) \(index + 1)"
            let subsidiary = subsidiaries[index % subsidiaries.count]
            let created = date(-360 + (index * 360) / max(customers, 1), Int.random(in: 0..<86_400, using: &random))
            let modified = created.addingTimeInterval(TimeInterval(Int.random(in: 0..<(86_400 * 60), using: &random)))
            let customer = store.insertGenerated(.customer, fields: JSONObject([
                ("entityId", .string(company)), ("companyName", .string(company)), ("isPerson", .bool(false)),
                ("email", .string("ap\(index + 1)@\(word.lowercased().replacingOccurrences(of: " ", with: "")).example")),
                ("phone", .string(String(format: "555-%04d", index % 10_000))), ("isInactive", .bool(index % 23 == 22)),
                ("externalId", .string("CUST-\(index + 1)")), ("subsidiary", ref(subsidiary)), ("currency", usd),
                ("terms", .object(JSONObject([("id", .string("2")), ("refName", .string("Net 30"))]))),
            ]), created: created, modified: modified)

            for contactIndex in 0..<(1 + index % 2) {
                let first = Self.firstNames[(index + contactIndex) % Self.firstNames.count]
                let last = Self.lastNames[(index * 7 + contactIndex) % Self.lastNames.count]
                _ = store.insertGenerated(.contact, fields: JSONObject([
                    ("entityId", .string("\(first) \(last) \(index + 1)-\(contactIndex + 1)")), ("firstName", .string(first)),
                    ("lastName", .string(last)), ("email", .string("\(first.lowercased()).\(last.lowercased())\(index + 1)@example.com")),
                    ("company", ref(customer)), ("subsidiary", ref(subsidiary)), ("isInactive", .bool(false)),
                    ("externalId", .string("CONT-\(index + 1)-\(contactIndex + 1)")),
                ]), created: created, modified: modified)
            }

            for orderIndex in 0..<2 {
                tranNumber += 1
                let tranDate = created.addingTimeInterval(TimeInterval(86_400 * (1 + orderIndex * 10)))
                var lines: [JSONObject] = []
                for _ in 0..<Int.random(in: 1...5, using: &random) {
                    let item = items[Int.random(in: 0..<items.count, using: &random)]
                    lines.append(JSONObject([
                        ("item", ref(item.id)), ("quantity", .number(Double(Int.random(in: 1...20, using: &random)))),
                        ("rate", .number(item.price)), ("isClosed", .bool(false)),
                    ]))
                }
                let order = store.insertGenerated(.salesOrder, fields: JSONObject([
                    ("tranId", .string("SO\(10_000 + tranNumber)")), ("externalId", .string("SHOP-\(tranNumber)")),
                    ("tranDate", .string(SimulatorDates.dateString(tranDate))), ("entity", ref(customer)),
                    ("subsidiary", ref(subsidiary)), ("currency", usd), ("exchangeRate", .number(1)),
                    ("status", .object(JSONObject([("id", .string("Pending Fulfillment")), ("refName", .string("Pending Fulfillment"))]))),
                    ("orderStatus", .object(JSONObject([("id", .string("B")), ("refName", .string("B"))]))),
                ]), lines: lines, created: tranDate, modified: tranDate.addingTimeInterval(3600))
                if orderIndex == 0 {
                    let total = store.record(.salesOrder, order)?.fields["total"]?.doubleValue ?? 0
                    _ = store.insertGenerated(.customerPayment, fields: JSONObject([
                        ("tranId", .string("PYMT\(10_000 + tranNumber)")), ("tranDate", .string(SimulatorDates.dateString(tranDate.addingTimeInterval(86_400 * 5)))),
                        ("customer", ref(customer)), ("payment", .number(total)), ("subsidiary", ref(subsidiary)), ("currency", usd),
                        ("exchangeRate", .number(1)), ("undepFunds", .bool(true)),
                        ("status", .object(JSONObject([("id", .string("Not Deposited")), ("refName", .string("Not Deposited"))]))),
                    ]), created: tranDate.addingTimeInterval(86_400 * 5), modified: tranDate.addingTimeInterval(86_400 * 5))
                }
            }
            if index % 10 == 0 {
                _ = store.insertGenerated(.customerDeposit, fields: JSONObject([
                    ("tranId", .string("DEP\(10_000 + index)")), ("tranDate", .string(SimulatorDates.dateString(created))),
                    ("customer", ref(customer)), ("payment", .number(100)), ("subsidiary", ref(subsidiary)), ("currency", usd),
                    ("exchangeRate", .number(1)),
                    ("status", .object(JSONObject([("id", .string("Not Deposited")), ("refName", .string("Not Deposited"))]))),
                ]), created: created, modified: created)
            }
            if index % 25 == 0 {
                _ = store.insertGenerated(.customerRefund, fields: JSONObject([
                    ("tranId", .string("RFND\(10_000 + index)")), ("tranDate", .string(SimulatorDates.dateString(modified))),
                    ("customer", ref(customer)), ("total", .number(25)), ("subsidiary", ref(subsidiary)), ("currency", usd),
                    ("exchangeRate", .number(1)),
                    ("status", .object(JSONObject([("id", .string("Paid")), ("refName", .string("Paid"))]))),
                ]), created: modified, modified: modified)
            }
        }
    }
}
