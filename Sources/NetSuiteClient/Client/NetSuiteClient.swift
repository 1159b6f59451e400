import Foundation
import Logging
import Metrics
import NetSuiteAuth
import Tracing

/// A client for one NetSuite account: REST records, SuiteQL and RESTlets, with NetSuite's governance.
///
/// Every request waits for a slot of the account's concurrency limiter (shared by all clients of the account in
/// the process), authenticates (a fresh TBA signature, or a cached bearer token refreshed once on a 401), and is
/// retried with exponential backoff and full jitter on 429, 5xx, timeouts and dropped connections when that is
/// safe: always after a 429, and after other failures only for idempotent requests (GET, PUT, DELETE, SuiteQL).
public struct NetSuiteClient: Sendable {
    public let configuration: NetSuiteClientConfiguration
    let transport: any NetSuiteTransport
    let logger: Logger
    /// The limiter this client's requests go through.
    public let limiter: ConcurrencyLimiter
    /// Counts of this client's requests, retries and throttled answers.
    public let statistics = RequestStatistics()

    /// - Parameters:
    ///   - configuration: the account, its authentication and its limits.
    ///   - transport: how requests are sent; async-http-client's shared client by default.
    ///   - logger: where each request is logged (method, path, status, duration, retries; never credentials).
    public init(
        configuration: NetSuiteClientConfiguration, transport: any NetSuiteTransport = HTTPClientTransport(),
        logger: Logger = Logger(label: "suitebridge.netsuite")
    ) async {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.limiter = await configuration.limiters.limiter(for: configuration.limiterKey, limit: configuration.concurrencyLimit)
    }

    /// One request the client makes.
    struct Call: Sendable {
        enum Surface: Sendable { case rest, restlet }
        var method: String
        var url: String
        var body: [UInt8]?
        var contentType: String?
        /// The media type asked for (the metadata catalog serves schemas as `application/schema+json`).
        var accept = "application/json"
        var extraHeaders: [(name: String, value: String)] = []
        var idempotent: Bool
        var surface: Surface = .rest
        /// `GET /services/rest/record/v1/customer/7`: for logs and errors.
        var label: String
        /// The record type, for permission remedies.
        var recordType: String?
    }

    /// Sends `call` with authentication, governance and retries, and returns a 2xx response, in a client span
    /// (`NetSuite GET`, with the account, the path without its query, the status, retries and 429s: never a header,
    /// a body or a query string) when a tracer is bootstrapped.
    /// - Throws: ``NetSuiteError``.
    func perform(_ call: Call) async throws -> NetSuiteHTTPResponse {
        try await withSpan("NetSuite \(call.method)", ofKind: .client) { span in
            span.attributes["http.request.method"] = call.method
            span.attributes["server.address"] = URL(string: call.url)?.host ?? ""
            span.attributes["url.path"] = URL(string: call.url)?.path ?? ""
            span.attributes["netsuite.account"] = configuration.account.realm
            return try await perform(call, span: span)
        }
    }

    private func perform(_ call: Call, span: any Span) async throws -> NetSuiteHTTPResponse {
        let requestID = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        var throttledAnswers = 0
        defer {
            span.attributes["netsuite.throttled"] = throttledAnswers
            span.attributes["netsuite.request_id"] = requestID
        }
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        var retries = 0
        var refreshedToken = false
        let started = ContinuousClock.now
        while true {
            attempt += 1
            let outcome = await attemptOnce(call)
            switch outcome {
            case .success(let response):
                statistics.record { $0.succeeded += 1 }
                log(call, requestID: requestID, status: response.status, started: started, retries: retries, span: span)
                return response
            case .refreshToken(let token) where !refreshedToken:
                refreshedToken = true
                statistics.record { $0.retries += 1 }
                if case .clientCredentials(let provider) = configuration.authentication { await provider.invalidate(token) }
                retries += 1
                continue
            case .retryable(let error, let safe) where safe && attempt < configuration.retry.maxAttempts:
                retries += 1
                statistics.record { $0.retries += 1 }
                logger.debug("retrying", metadata: ["request-id": "\(requestID)", "path": "\(call.label)", "reason": "\(error.errorCode ?? error.message)"])
                let throttled = error.code == .concurrencyExhausted
                if throttled { throttledAnswers += 1 }
                if throttled { Counter(label: "suitebridge_netsuite_throttled_total", dimensions: [("instance", configuration.metricsLabel)]).increment() }
                try await Task.sleep(for: configuration.retry.delay(beforeRetry: retries, throttled: throttled, using: &generator))
                continue
            case .cancelled:
                let error = NetSuiteError(
                    code: .transport, request: call.label, retries: retries,
                    message: "The request was cancelled; it may still complete at NetSuite.",
                    remedy: call.idempotent ? "Nothing to fix." : "Check whether the change was made before sending it again, or use upsert by external id.")
                statistics.record { $0.failed += 1 }
                log(call, requestID: requestID, status: 0, started: started, retries: retries, error: error, span: span)
                throw error
            case .retryable(var error, _), .failure(var error):
                error.retries = retries
                statistics.record { $0.failed += 1 }
                log(call, requestID: requestID, status: error.status ?? 0, started: started, retries: retries, error: error, span: span)
                throw error
            case .refreshToken:
                statistics.record { $0.failed += 1 }
                let error = NetSuiteError(
                    code: .authentication, status: 401, errorCode: "invalid_token", request: call.label, retries: retries,
                    message: "NetSuite refused the access token, also a freshly issued one.",
                    remedy: "Check that the certificate mapping's role has \"Log in using OAuth 2.0 access tokens\" and the needed scope (rest_webservices, restlets), and that the mapping is not revoked.")
                log(call, requestID: requestID, status: 401, started: started, retries: retries, error: error, span: span)
                throw error
            }
        }
    }

    private enum AttemptOutcome {
        case success(NetSuiteHTTPResponse)
        case refreshToken(AccessToken)
        /// A failure that another try may fix; `safe` says whether retrying cannot duplicate a write.
        case retryable(NetSuiteError, safe: Bool)
        case failure(NetSuiteError)
        /// The caller was cancelled while the request was at NetSuite; it goes on there until answered.
        case cancelled(InFlightRequest)
    }

    private func attemptOnce(_ call: Call) async -> AttemptOutcome {
        guard let budget = configuration.sharedBudget else { return await attemptWithinLimiter(call) }
        let ticket: Int
        do {
            ticket = try await budget.acquire()
        } catch {
            return .failure(NetSuiteError(code: .transport, request: call.label, message: "The shared concurrency budget could not be reached: \(error).",
                                          remedy: "Check the database the servers share."))
        }
        let outcome = await attemptWithinLimiter(call)
        if case .cancelled(let sending) = outcome {
            sending.whenAnswered { await budget.release(ticket) }
        } else {
            await budget.release(ticket)
        }
        return outcome
    }

    private func attemptWithinLimiter(_ call: Call) async -> AttemptOutcome {
        do {
            try await limiter.acquire()
        } catch {
            return .failure(NetSuiteError(code: .transport, request: call.label, message: "The request was cancelled.", remedy: "Nothing to fix."))
        }
        var headers: [(name: String, value: String)] = [("Accept", call.accept)]
        if let contentType = call.contentType { headers.append(("Content-Type", contentType)) }
        headers += call.extraHeaders
        var bearer: AccessToken?
        do {
            switch configuration.authentication {
            case .tokenBased(let tba):
                let formBody = call.contentType == "application/x-www-form-urlencoded" ? call.body.map { String(decoding: $0, as: UTF8.self) } : nil
                headers.append(("Authorization", try tba.sign(method: call.method, url: call.url, formBody: formBody).headerValue))
            case .clientCredentials(let provider):
                let token = try await provider.accessToken()
                bearer = token
                headers.append(("Authorization", token.authorizationHeader))
            }
        } catch let error as NetSuiteAuthError {
            await limiter.release(.other)
            return .failure(NetSuiteError(
                code: .authentication, errorCode: error.code.description, request: call.label, message: error.message, remedy: error.remedy))
        } catch {
            await limiter.release(.other)
            return .failure(NetSuiteError(code: .authentication, request: call.label, message: "\(error)", remedy: "Check the credentials."))
        }

        let response: NetSuiteHTTPResponse
        let sending = InFlightRequest(
            NetSuiteHTTPRequest(method: call.method, url: call.url, headers: headers, body: call.body), over: transport, timeout: configuration.timeout)
        statistics.began()
        do {
            response = try await sending.answer()
            statistics.ended()
        } catch is CancellationError {
            // NetSuite counts the request until it has answered it: the slot is given back then, not now.
            sending.whenAnswered { [limiter, statistics] in
                statistics.ended()
                await limiter.release(.other)
            }
            return .cancelled(sending)
        } catch {
            statistics.ended()
            await limiter.release(.other)
            let host = URL(string: call.url)?.host ?? call.url
            if call.idempotent {
                return .retryable(NetSuiteError(
                    code: .transport, request: call.label, message: "The connection to \(host) failed or dropped (\(Self.describe(error))).",
                    remedy: "Check the network and the base URL (\(configuration.baseURL)); NetSuite may be unreachable from here."), safe: true)
            }
            return .failure(Self.notRetried(call, reason: "the connection dropped (\(Self.describe(error)))"))
        }

        if (200..<300).contains(response.status) {
            await limiter.release(.success)
            return .success(response)
        }
        // Only an error's body is read for its code: parsing every answer cost 4 ms per 1,000-row SuiteQL page.
        let errorBody = NetSuiteErrorBody(response.body)
        // A repeated idempotency key: the request was submitted before (an earlier attempt whose answer was lost).
        // Its job, in `Location`, is the answer wanted.
        if errorBody.code == NetSuiteErrorCode.idempotencyError, response.header("Location") != nil {
            await limiter.release(.success)
            return .success(response)
        }
        let isRestletLimit = call.surface == .restlet && response.status == 400 && errorBody.code == NetSuiteErrorCode.requestLimitExceeded
        if response.status == 429 || isRestletLimit {
            await limiter.release(.throttled)
            statistics.record { $0.throttled += 1 }
            return .retryable(NetSuiteError(
                code: .concurrencyExhausted, status: response.status, errorCode: errorBody.code ?? NetSuiteErrorCode.concurrencyLimitExceeded,
                detail: errorBody.detail, request: call.label,
                message: "NetSuite's concurrency limit for account \(configuration.account.realm) stayed exhausted through every retry.",
                remedy: "Lower this client's concurrency (configured \(configuration.concurrencyLimit)) or wait: every integration of the account shares its limit. A higher service tier or SuiteCloud Plus licences raise it."), safe: true)
        }
        await limiter.release(.other)
        if response.status == 401, let bearer {
            return .refreshToken(bearer)
        }
        if response.status >= 500 {
            if call.idempotent {
                return .retryable(NetSuiteError(
                    code: .serverUnavailable, status: response.status, errorCode: errorBody.code, detail: errorBody.detail, request: call.label,
                    message: "NetSuite answered HTTP \(response.status) through every retry.",
                    remedy: "NetSuite had server errors; try again later. If it persists, check NetSuite's status page."), safe: true)
            }
            return .failure(Self.notRetried(call, reason: "NetSuite answered HTTP \(response.status)", status: response.status, body: errorBody))
        }
        return .failure(errorForAnswer(call, response: response, body: errorBody))
    }

    static func notRetried(_ call: Call, reason: String, status: Int? = nil, body: NetSuiteErrorBody? = nil) -> NetSuiteError {
        NetSuiteError(
            code: .createNotRetried, status: status, errorCode: body?.code, detail: body?.detail, request: call.label,
            message: "\(call.method) was not retried: \(reason), and the request may already have reached NetSuite.",
            remedy: "Check whether the record was created before sending it again, or write it with upsert by external id (PUT …/eid:<externalId>), which is safe to retry.")
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    /// The error for a 4xx answer, with a remedy a user can act on.
    func errorForAnswer(_ call: Call, response: NetSuiteHTTPResponse, body: NetSuiteErrorBody) -> NetSuiteError {
        let code = body.code
        var message = body.detail ?? "NetSuite answered HTTP \(response.status)."
        var remedy: String
        var kind = NetSuiteError.Code.response
        switch code {
        case NetSuiteErrorCode.invalidLogin, NetSuiteErrorCode.invalidLoginAttempt:
            kind = .authentication
            switch configuration.authentication {
            case .tokenBased:
                message = "NetSuite refused the token-based login (INVALID_LOGIN). The realm sent was \"\(configuration.account.realm)\"."
                remedy = "Check the realm form (upper case with underscore, e.g. 1234567_SB1: sent \(configuration.account.realm)), the token id and secret, the consumer key and secret, that the token is not revoked, and this machine's clock (NetSuite refuses timestamps more than 5 minutes off). The Login Audit Trail in NetSuite names the cause."
            case .clientCredentials:
                message = "NetSuite refused the access token (invalid_token)."
                remedy = "Check that the M2M certificate mapping is active, its role has \"Log in using OAuth 2.0 access tokens\", and the integration has the needed scope. The Login Audit Trail names the cause."
            }
        case NetSuiteErrorCode.insufficientPermission:
            let permission = call.recordType.flatMap(Self.permissionNames.self) ?? "the permission for this record (Setup > Users/Roles > Manage Roles)"
            remedy = "Give the integration role \(permission), and \"Setup > REST web services\" (Full)."
        case NetSuiteErrorCode.nonexistentID:
            remedy = "No \(call.recordType ?? "record") has that id: check the internal id, or address it by external id (eid:<externalId>)."
        case NetSuiteErrorCode.invalidContent:
            remedy = body.path.map { "Fix the value at \($0) in the request body." } ?? "Fix the request body: a field has a wrong value or name."
        case NetSuiteErrorCode.userError:
            remedy = body.path.map { "Fix \($0): \(body.detail ?? "NetSuite refused the value")." } ?? "Do what NetSuite's message asks, then send it again."
        case NetSuiteErrorCode.invalidParameter:
            remedy = body.queryParam == "q" ? "Fix the query: NetSuite could not run it." : "Fix the \(body.queryParam ?? "request") parameter."
        case NetSuiteErrorCode.invalidScriptletID:
            remedy = "Check the RESTlet's script and deploy ids, and that the deployment is released and the role is in its audience."
        default:
            remedy = response.status == 404 ? "Check the path and the record type." : "See NetSuite's message."
        }
        return NetSuiteError(
            code: kind, status: response.status, errorCode: code, detail: body.detail, errorPath: body.path, errorQueryParam: body.queryParam,
            request: call.label, message: message, remedy: remedy)
    }

    /// The seed guide's permission for each record type.
    static func permissionNames(_ type: String) -> String? {
        [
            "customer": "\"Lists > Customers\" (Full)", "contact": "\"Lists > Contacts\" (Full)", "inventoryitem": "\"Lists > Items\" (Full)",
            "salesorder": "\"Transactions > Sales order\" (Full)", "customerpayment": "\"Transactions > Customer payment\" (Full)",
            "customerdeposit": "\"Transactions > Customer deposit\" (Full)", "customerrefund": "\"Transactions > Customer refund\" (Full)",
            "subsidiary": "\"Lists > Subsidiaries\" (Full)", "suiteql": "\"Transactions > Find transaction\" and the lists the query reads",
        ][type.lowercased()]
    }

    private func log(_ call: Call, requestID: String, status: Int, started: ContinuousClock.Instant, retries: Int, error: NetSuiteError? = nil, span: any Span) {
        span.attributes["http.response.status_code"] = status
        span.attributes["netsuite.retries"] = retries
        if let error { span.attributes["error.type"] = error.errorCode ?? error.code.description }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "request-id": "\(requestID)", "account": "\(configuration.account.realm)", "method": "\(call.method)",
            "path": "\(call.label.split(separator: " ").last ?? "")", "status": "\(status)",
            "duration-ms": "\(Int(milliseconds))", "retries": "\(retries)",
        ]
        let instance = ("instance", configuration.metricsLabel)
        Counter(label: "suitebridge_netsuite_requests_total", dimensions: [instance, ("status", "\(status)")]).increment()
        if retries > 0 { Counter(label: "suitebridge_netsuite_retries_total", dimensions: [instance]).increment(by: retries) }
        Timer(label: "suitebridge_netsuite_request_duration_seconds", dimensions: [instance], preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(milliseconds * 1_000_000))
        if let error {
            metadata["error"] = "\(error.errorCode ?? error.code.description)"
            logger.warning("NetSuite request failed", metadata: metadata)
        } else {
            logger.info("NetSuite request", metadata: metadata)
        }
    }
}

/// The parts of a NetSuite error body the client uses: REST `o:errorDetails`, RESTlet `error`, or OAuth `error`.
struct NetSuiteErrorBody {
    var code: String?
    var detail: String?
    var path: String?
    var queryParam: String?

    init(_ body: [UInt8]) {
        guard !body.isEmpty, let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return }
        if let details = (object["o:errorDetails"] as? [[String: Any]])?.first {
            code = details["o:errorCode"] as? String
            detail = details["detail"] as? String
            path = details["o:errorPath"] as? String
            queryParam = details["o:errorQueryParam"] as? String
        } else if let error = object["error"] as? [String: Any] {
            code = error["code"] as? String
            detail = error["message"] as? String
        } else if let error = object["error"] as? String {
            code = error
            detail = object["error_description"] as? String
        }
    }
}
