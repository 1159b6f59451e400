import Foundation

extension NetSuiteClient {
    /// Calls a RESTlet deployment with the client's authentication; `script` and `deploy` go in the signed query.
    /// GET, PUT and DELETE are retried when safe; POST only after a throttled answer.
    /// - Returns: the body NetSuite answered.
    /// - Throws: ``NetSuiteError``; a script error (`{"error": {"code", "message"}}`) keeps its code.
    public func restlet(
        script: String, deploy: String, method: String = "GET", parameters: [(String, String)] = [], json: Data? = nil
    ) async throws -> Data {
        let method = method.uppercased()
        let query = ([("script", script), ("deploy", deploy)] + parameters)
            .map { "\(Records.encodeQuery($0.0))=\(Records.encodeQuery($0.1))" }.joined(separator: "&")
        let response = try await perform(.init(
            method: method, url: "\(configuration.restletURL)?\(query)", body: json.map(Array.init),
            contentType: json == nil ? nil : "application/json", idempotent: method != "POST", surface: .restlet,
            label: "\(method) restlet script=\(script) deploy=\(deploy)"))
        return Data(response.body)
    }
}
