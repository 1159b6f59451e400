/// An error from NetSuite or from reaching it: what happened, NetSuite's own words, and what to do.
///
/// Compare by ``code``; switch with a `default` branch, as codes may be added. Messages never contain a secret
/// or a token.
public struct NetSuiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case response, authentication, concurrencyExhausted, serverUnavailable, transport, createNotRetried
            case malformedResponse, queryCannotContinue, invalidRequest, batchUnavailable, jobTimedOut
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// NetSuite answered with an error (see ``NetSuiteError/status`` and ``NetSuiteError/errorCode``).
        public static let response = Code(.response)
        /// NetSuite refused the credentials (401), also after a fresh access token.
        public static let authentication = Code(.authentication)
        /// The account's concurrency limit stayed exhausted through every retry.
        public static let concurrencyExhausted = Code(.concurrencyExhausted)
        /// NetSuite kept answering 5xx through every retry.
        public static let serverUnavailable = Code(.serverUnavailable)
        /// NetSuite could not be reached, or the connection dropped, through every retry.
        public static let transport = Code(.transport)
        /// A create (POST) failed after it may have reached NetSuite, and was not retried to avoid a duplicate.
        public static let createNotRetried = Code(.createNotRetried)
        /// NetSuite's answer could not be read.
        public static let malformedResponse = Code(.malformedResponse)
        /// A SuiteQL query has more rows than NetSuite pages through and cannot be continued by key.
        public static let queryCannotContinue = Code(.queryCannotContinue)
        /// The request cannot be made as asked (bad record type, bad argument).
        public static let invalidRequest = Code(.invalidRequest)

        /// NetSuite refused a batch request as a whole (not a record in it): batch operations are not available for
        /// the account or record type. Send the records one by one.
        public static let batchUnavailable = Code(.batchUnavailable)
        /// An asynchronous job did not finish within ``AsyncPolling/timeout``; it may still finish at NetSuite.
        public static let jobTimedOut = Code(.jobTimedOut)

        public var description: String { backing.rawValue }
    }

    public var code: Code
    /// The HTTP status, when NetSuite answered.
    public var status: Int?
    /// NetSuite's `o:errorCode` (`INVALID_LOGIN`, `NONEXISTENT_ID`, …), or the RESTlet / OAuth error code.
    public var errorCode: String?
    /// NetSuite's `detail`.
    public var detail: String?
    /// NetSuite's `o:errorPath`: where in the body the bad value is.
    public var errorPath: String?
    /// NetSuite's `o:errorQueryParam`.
    public var errorQueryParam: String?
    /// The request: method and path (no query, no secrets).
    public var request: String
    /// How many times the request was retried before this error.
    public var retries: Int
    /// What went wrong, in a sentence.
    public var message: String
    /// What to do about it.
    public var remedy: String

    public init(
        code: Code, status: Int? = nil, errorCode: String? = nil, detail: String? = nil, errorPath: String? = nil,
        errorQueryParam: String? = nil, request: String, retries: Int = 0, message: String, remedy: String
    ) {
        self.code = code
        self.status = status
        self.errorCode = errorCode
        self.detail = detail
        self.errorPath = errorPath
        self.errorQueryParam = errorQueryParam
        self.request = request
        self.retries = retries
        self.message = message
        self.remedy = remedy
    }

    public var description: String {
        var parts = ["\(request): \(message)"]
        if let errorCode { parts.append("[\(errorCode)\(status.map { ", HTTP \($0)" } ?? "")]") }
        if let detail, !message.contains(detail) { parts.append("NetSuite says: \(detail)") }
        if let errorPath { parts.append("at \(errorPath)") }
        parts.append("Fix: \(remedy)")
        return parts.joined(separator: " ")
    }
}
