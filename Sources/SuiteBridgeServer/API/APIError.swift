import Foundation
import HTTPTypes
import Hummingbird
import NetSuiteClient
import OpenAPIRuntime
import SuiteBridgeCore

/// An API failure as JSON: `{"error": {"code", "message", "field", "remedy"}}` with a fitting status.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?
    var remedy: String?

    init(status: HTTPResponse.Status, code: String, message: String, field: String? = nil, remedy: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.remedy = remedy
    }

    init(_ error: SuiteBridgeError) {
        let status: HTTPResponse.Status = switch error.code {
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .netsuite: .badGateway
        case .store: .serviceUnavailable
        default: .internalServerError
        }
        self.init(status: status, code: Self.snakeCase(error.code.description), message: error.message, field: error.field,
                  remedy: error.remedy.isEmpty ? nil : error.remedy)
    }

    static let unauthorized = APIError(
        status: .unauthorized, code: "unauthorized", message: "A valid API token is required.",
        remedy: "Send Authorization: Bearer <token>. Create tokens with `suitebridge tokens create NAME`.")

    static func badBody(_ detail: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_body", message: "The request body is not the JSON this endpoint takes: \(detail).",
                 remedy: "See openapi.yaml for the request schema.")
    }

    /// A request body that does not decode as the document's schema, naming the field.
    static func badBody(_ error: DecodingError) -> APIError {
        switch error {
        case .keyNotFound(let key, let context):
            let field = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            return APIError(status: .badRequest, code: "invalid_body", message: "The field \(field) is required.", field: field,
                            remedy: "See openapi.yaml for the request schema.")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            guard !field.isEmpty else { return badBody("not JSON") }
            return APIError(status: .badRequest, code: "invalid_body", message: "The field \(field) has the wrong type or value.", field: field,
                            remedy: "See openapi.yaml for the request schema.")
        @unknown default:
            return badBody("\(error)")
        }
    }

    static func snakeCase(_ text: String) -> String {
        text.reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: String] = ["code": code, "message": message]
        if let field { object["field"] = field }
        if let remedy { object["remedy"] = remedy }
        var response = try JSONResponse.make(["error": object], status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"suitebridge\"" }
        return response
    }

    /// Maps any error a handler throws to an API error.
    static func from(_ error: any Error) -> any Error {
        switch error {
        case let error as APIError: error
        case let error as ServerError:
            // The generated server wraps what a handler or middleware threw, and its own refusals of a request that
            // does not fit the document (a body that does not decode, a missing parameter).
            switch error.underlyingError {
            case let underlying as DecodingError: badBody(underlying)
            case is APIError, is SuiteBridgeError, is NetSuiteError, is HTTPError: from(error.underlyingError)
            default:
                (400..<500).contains(error.httpStatus.code)
                    ? APIError(status: error.httpStatus, code: "invalid_request", message: error.causeDescription, remedy: "See openapi.yaml for this operation.")
                    : from(error.underlyingError)
            }
        case let error as SuiteBridgeError: APIError(error)
        case let error as NetSuiteError:
            APIError(status: .badGateway, code: "netsuite", message: error.message, field: error.errorPath, remedy: error.remedy)
        case let error as HTTPError: error
        default: APIError(status: .internalServerError, code: "internal", message: "An unexpected error occurred.", remedy: "See the server log.")
        }
    }
}

/// JSON responses with one encoder: ISO 8601 dates, sorted keys.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(status: .badRequest, code: "invalid_body", message: "The field \(key.stringValue) is required.", field: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError(status: .badRequest, code: "invalid_body", message: "The field \(field) has the wrong type.", field: field)
        } catch {
            throw APIError.badBody("\(error)")
        }
    }
}
