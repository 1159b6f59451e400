/// The client's own parsers, for the fuzz targets (`Fuzz/`): any bytes, an error or a result, never a crash.
package enum ClientFuzzing {
    /// Reads `bytes` as a SuiteQL page body.
    package static func suiteQLPage(_ bytes: [UInt8]) {
        _ = try? SuiteQLPageParser.parse(bytes)
    }
}
