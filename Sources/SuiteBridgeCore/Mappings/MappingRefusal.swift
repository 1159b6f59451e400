/// A row a mapping cannot turn into a record: the field, the value and the step that could not apply. The row is
/// refused as a whole; nothing of it is sent.
struct MappingRefusal: Error, Sendable, Hashable {
    /// The record field, with its sublist line when there is one: `item[2].quantity`.
    var field: String
    /// The value the step was given, as text (`nil` when there was none).
    var value: String?
    /// `number`, `lookup`, … and its place among the field's steps (1-based).
    var step: String
    /// Why, in a sentence.
    var reason: String

    /// `companyName: "x" …`: what the inbox, the error file and the preview show.
    var message: String {
        let shown = value.map { "\"\($0.count > 200 ? String($0.prefix(200)) + "…" : $0)\"" } ?? "no value"
        return "The field \(field): \(shown) \(reason) (\(step)); the row was not sent."
    }
}
