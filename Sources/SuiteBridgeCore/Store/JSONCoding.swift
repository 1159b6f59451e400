import Foundation

extension JSONEncoder {
    /// How JSON kept in a store is written (a mirror's table state, a governance reading): dates as ISO 8601, keys
    /// sorted so the same value is the same text.
    static var store: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

extension JSONDecoder {
    /// Reads what ``JSONEncoder/store`` wrote.
    static var store: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
