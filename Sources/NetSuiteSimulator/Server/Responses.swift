import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builders for the answers NetSuite gives.
enum NetSuiteResponse {
    static let singular = "application/vnd.oracle.resource+json; type=singular"
    static let collection = "application/vnd.oracle.resource+json; type=collection"
    static let errorType = "application/vnd.oracle.resource+json; type=error"

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json", headers: [(String, String)] = []) -> Response {
        json(body: value.serialized, status: status, contentType: contentType, headers: headers)
    }

    /// A JSON body already serialized.
    static func json(body: String, status: HTTPResponse.Status = .ok, contentType: String = "application/json", headers: [(String, String)] = []) -> Response {
        json(bytes: ByteBuffer(string: body), status: status, contentType: contentType, headers: headers)
    }

    /// A JSON body already serialized into bytes.
    static func json(bytes: ByteBuffer, status: HTTPResponse.Status = .ok, contentType: String = "application/json", headers: [(String, String)] = []) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: bytes))
    }

    static func title(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 415: "Unsupported Media Type"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        default: "Error"
        }
    }

    static func typeURL(_ status: Int) -> String {
        let sections = [400: "15.5.1", 401: "15.5.2", 403: "15.5.4", 404: "15.5.5", 405: "15.5.6", 409: "15.5.10", 415: "15.5.16", 500: "15.6.1"]
        if status == 429 { return "https://www.rfc-editor.org/rfc/rfc6585.html#section-4" }
        return "https://www.rfc-editor.org/rfc/rfc9110.html#section-\(sections[status] ?? "15.5.1")"
    }

    /// NetSuite's REST error body: `type`, `title`, `status`, `o:errorDetails` with `detail`, `o:errorCode` and
    /// optional `o:errorPath` / `o:errorQueryParam`.
    static func error(
        status: Int, code: String, detail: String, path: String? = nil, queryParam: String? = nil, headers: [(String, String)] = []
    ) -> Response {
        var errorDetail = JSONObject([("detail", .string(detail))])
        if let path { errorDetail["o:errorPath"] = .string(path) }
        if let queryParam { errorDetail["o:errorQueryParam"] = .string(queryParam) }
        errorDetail["o:errorCode"] = .string(code)
        let body = JSONObject([
            ("type", .string(typeURL(status))), ("title", .string(title(status))), ("status", .number(Double(status))),
            ("o:errorDetails", .array([.object(errorDetail)])),
        ])
        return json(.object(body), status: HTTPResponse.Status(code: status), contentType: errorType, headers: headers)
    }

    static func error(_ error: RecordError) -> Response {
        self.error(status: error.status, code: error.code, detail: error.detail, path: error.path, queryParam: error.queryParam)
    }

    static let invalidLoginDetail =
        "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail."

    /// A RESTlet error: SuiteScript's `{"error": {"code", "message"}}`.
    static func restletError(status: Int, code: String, message: String, headers: [(String, String)] = []) -> Response {
        json(.object(JSONObject([("error", .object(JSONObject([("code", .string(code)), ("message", .string(message))])))])),
             status: HTTPResponse.Status(code: status), headers: headers)
    }

    static func noContent(location: String? = nil) -> Response {
        var fields = HTTPFields()
        if let location { fields[.location] = location }
        return Response(status: .noContent, headers: fields)
    }

    /// A response whose body fails after the head is sent: the client sees the connection drop.
    static func droppedConnection() -> Response {
        struct Dropped: Error {}
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.contentLength] = "1024"
        return Response(status: .ok, headers: fields, body: ResponseBody(contentLength: 1024) { _ in throw Dropped() })
    }
}

extension ByteBuffer {
    /// The readable bytes as `Data`.
    var data: Data { Data(readableBytesView) }
}

extension HTTPFields {
    /// The value of a header by name, for names without a predefined constant.
    func header(_ name: String) -> String? {
        first { $0.name.canonicalName == name.lowercased() }?.value
    }
}
