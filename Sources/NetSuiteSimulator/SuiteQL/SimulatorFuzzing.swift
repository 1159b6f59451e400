import Foundation

/// The simulator's parsers and evaluators as a request reaches them, for the fuzz targets (`Fuzz/`): each takes any
/// text, and an error is the expected outcome for most of it; a crash, a hang or unbounded memory is a bug.
package enum SimulatorFuzzing {
    private static let store: RecordStore = {
        var store = RecordStore()
        DataSetGenerator(customers: 5, seed: 1).generate(into: &store)
        return store
    }()
    private static let catalog = SuiteQLCatalog(store: store)

    /// Parses `text` as `POST /query/v1/suiteql` does and runs it over a small generated account.
    package static func suiteQL(_ text: String) {
        guard let select = try? SQLParser.parse(text) else { return }
        _ = try? SuiteQLEvaluator.run(select, catalog: catalog)
    }

    /// Parses `text` as a record list's `q=` filter and matches it against the account's customers.
    package static func recordFilter(_ text: String) {
        guard let filter = try? RecordFilter.parse(text, type: .customer) else { return }
        for record in (store.records[.customer] ?? [:]).values { _ = filter.matches(record, type: .customer) }
    }
}
