import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NetSuiteAuth
import NIOCore
import NIOConcurrencyHelpers

/// The HTTP face of a ``SimulatedNetSuite``: NetSuite's endpoints plus the admin API under `/simulator/v1`.
///
/// ```swift
/// let netsuite = SimulatedNetSuite()
/// let server = SimulatorServer(netsuite: netsuite)
/// let app = server.makeApplication(host: "127.0.0.1", port: 9090)
/// try await app.runService()
/// ```
public struct SimulatorServer: Sendable {
    public let netsuite: SimulatedNetSuite
    /// Whether `/simulator/v1` answers; turn it off when listening beyond loopback.
    public var adminEnabled: Bool
    let cache = SuiteQLCache()

    public init(netsuite: SimulatedNetSuite, adminEnabled: Bool = true) {
        self.netsuite = netsuite
        self.adminEnabled = adminEnabled
    }

    /// Whether `host` is a loopback address, where the admin API may be served.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Builds every account's SuiteQL tables now, so the first query does not pay for it (NetSuite's own
    /// indexes are always ready).
    public func warmUp() async {
        for realm in await netsuite.accountIDs {
            if let (store, _) = try? await netsuite.records(realm) { _ = cache.catalog(realm: realm, store: store) }
        }
    }

    /// The router with every endpoint; use it with `Application` or HummingbirdTesting.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        addTokenRoutes(to: router)
        addCertificateRoutes(to: router)
        addMetadataCatalogRoutes(to: router)
        addRecordRoutes(to: router)
        addSuiteQLRoutes(to: router)
        addRestletRoutes(to: router)
        addAsyncRoutes(to: router)
        addSystemRoutes(to: router)
        if adminEnabled {
            addAdminRoutes(to: router)
        } else {
            for method in [HTTPRequest.Method.get, .post, .put, .delete] {
                router.on("/simulator/v1/**", method: method) { _, _ in
                    NetSuiteResponse.json(
                        .object(JSONObject([("error", .string("The admin API is served on loopback addresses only."))])), status: .forbidden)
                }
            }
        }
        return router
    }

    /// An application serving the simulator on `host:port` (use port 0 for any free port).
    public func makeApplication(
        host: String = "127.0.0.1", port: Int = 9090, logger: Logger = Logger(label: "suitebridge.simulator"),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = logger
        logger.logLevel = .warning
        return Application(
            router: makeRouter(), configuration: .init(address: .hostname(host, port: port), serverName: "SuiteBridge-NetSuite-Simulator"),
            onServerRunning: onServerRunning, logger: logger)
    }

    // MARK: The NetSuite request pipeline

    /// Where an endpoint's requests are counted, and which OAuth 2 scope it needs.
    struct Endpoint: Sendable {
        var name: String
        var scope: String
        var isRestlet = false
        var requiresREST = true

        static let record = Endpoint(name: "record", scope: "rest_webservices")
        static let suiteql = Endpoint(name: "suiteql", scope: "rest_webservices")
        static let restlet = Endpoint(name: "restlet", scope: "restlets", isRestlet: true, requiresREST: false)
        static let certificates = Endpoint(name: "certificates", scope: "rest_webservices")
        static let async = Endpoint(name: "async", scope: "rest_webservices")
        static let system = Endpoint(name: "system", scope: "rest_webservices")
    }

    /// The request as a handler sees it after authentication and governance.
    struct Call: Sendable {
        var principal: Principal
        var body: ByteBuffer
        /// `http://host:port`: links in answers are absolute on the address the request came to.
        var origin: String
        var request: Request
    }

    static func origin(of request: Request) -> String {
        "http://\(request.head.authority ?? "127.0.0.1")"
    }

    /// Authenticates (TBA or bearer), applies the account's concurrency limit and faults, runs `handle`, counts.
    func serve(
        _ request: Request, endpoint: Endpoint, handle: @Sendable (Call) async throws -> Response
    ) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 104 * 1024 * 1024)
        let origin = Self.origin(of: request)
        let authorization = request.headers[.authorization] ?? ""
        let outcome: Result<Principal, AuthFailure>
        if authorization.lowercased().hasPrefix("oauth ") {
            let isForm = request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true
            outcome = await netsuite.authenticateTBA(
                method: request.method.rawValue, url: origin + request.uri.string, authorization: authorization,
                formBody: isForm ? String(buffer: body) : nil, requiresREST: endpoint.requiresREST)
        } else if authorization.lowercased().hasPrefix("bearer ") {
            outcome = await netsuite.authenticateBearer(
                String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces), scope: endpoint.scope,
                requiresREST: endpoint.requiresREST)
        } else {
            let realms = await netsuite.accountIDs
            outcome = .failure(AuthFailure(realm: realms.count == 1 ? realms.first : nil, detail: "MissingAuthorization", scheme: .oauth1))
        }
        let principal: Principal
        switch outcome {
        case .failure(let failure):
            await netsuite.count(failure.realm, endpoint: endpoint.name, status: 401)
            let headers = [("WWW-Authenticate", failure.wwwAuthenticate)]
            if endpoint.isRestlet {
                return NetSuiteResponse.restletError(status: 401, code: NetSuiteErrorCode.invalidLoginAttempt, message: "Invalid login attempt.", headers: headers)
            }
            return NetSuiteResponse.error(status: 401, code: NetSuiteErrorCode.invalidLogin, detail: NetSuiteResponse.invalidLoginDetail, headers: headers)
        case .success(let value):
            principal = value
        }

        let admission = await netsuite.admit(principal.realm, integrationID: principal.integrationID, endpoint: endpoint.name)
        guard admission.admitted else {
            if endpoint.isRestlet {
                return NetSuiteResponse.restletError(
                    status: 400, code: NetSuiteErrorCode.requestLimitExceeded,
                    message: "Request limit exceeded. The request was rejected because the concurrency limit for this account was reached.")
            }
            return NetSuiteResponse.error(status: 429, code: NetSuiteErrorCode.concurrencyLimitExceeded, detail: "Concurrent request limit exceeded. Request blocked.")
        }
        // The latency is the request's time at NetSuite from receipt to answer, processing included (as a real
        // response time is): the answer leaves `delay` after admission, or when processing ends if that is later.
        let answerAt = ContinuousClock.now + admission.delay
        let finish: @Sendable (Int) async -> Void = { [netsuite] status in
            await netsuite.finish(principal.realm, integrationID: principal.integrationID, admission: admission, endpoint: endpoint.name, status: status)
        }
        var response: Response
        let status: Int
        switch admission.fault {
        case .serverError:
            response = NetSuiteResponse.error(
                status: 500, code: NetSuiteErrorCode.unexpectedError, detail: "An unexpected error occurred. Error ID: \(Secrets.hex(8))")
            status = 500
        case .dropConnection:
            response = NetSuiteResponse.droppedConnection()
            status = 0
        case nil, .dropAfterProcessing:
            do {
                response = try await handle(Call(principal: principal, body: body, origin: origin, request: request))
                status = admission.fault == nil ? response.status.code : 0
                if admission.fault != nil { response = NetSuiteResponse.droppedConnection() }
            } catch {
                try? await Task.sleep(until: answerAt)
                await finish(500)
                throw error
            }
        }
        if admission.delay > .zero { try? await Task.sleep(until: answerAt) }
        await finish(status)
        return response
    }

    /// A 403 `INSUFFICIENT_PERMISSION` when the role lacks `permission` at `level`.
    static func checkPermission(_ principal: Principal, _ permission: String, _ level: PermissionLevel) -> Response? {
        guard principal.role.level(of: permission) < level else { return nil }
        return NetSuiteResponse.error(
            status: 403, code: NetSuiteErrorCode.insufficientPermission,
            detail: "Permission Violation: You need a higher level of the '\(permission)' permission (\(level.name)) to access this page. Please contact your account administrator.")
    }
}

/// Caches SuiteQL catalogs and query results per account and data version, so paging through a large result
/// evaluates the query once.
final class SuiteQLCache: Sendable {
    private struct State {
        var catalogs: [String: (version: Int, catalog: SuiteQLCatalog)] = [:]
        var results: [String: SuiteQLResult] = [:]
        var order: [String] = []
        var running: [String: Task<Result<SuiteQLResult, SuiteQLError>, Never>] = [:]
    }
    private let state = NIOLockedValueBox(State())

    func catalog(realm: String, store: RecordStore) -> SuiteQLCatalog {
        if let cached = state.withLockedValue({ $0.catalogs[realm] }), cached.version == store.version { return cached.catalog }
        let catalog = SuiteQLCatalog(store: store)
        state.withLockedValue { $0.catalogs[realm] = (store.version, catalog) }
        return catalog
    }

    /// The cached result for `key`, or the result of `evaluate`, run once however many requests ask at the same
    /// time (parallel first pages of one query evaluate it once).
    func result(key: String, evaluate: @escaping @Sendable () throws(SuiteQLError) -> SuiteQLResult) async throws(SuiteQLError) -> SuiteQLResult {
        let task: Task<Result<SuiteQLResult, SuiteQLError>, Never> = state.withLockedValue { state in
            if let cached = state.results[key] { return Task { .success(cached) } }
            if let running = state.running[key] { return running }
            let task = Task { () -> Result<SuiteQLResult, SuiteQLError> in
                do throws(SuiteQLError) { return .success(try evaluate()) } catch { return .failure(error) }
            }
            state.running[key] = task
            return task
        }
        let outcome = await task.value
        state.withLockedValue { state in
            state.running[key] = nil
            if case .success(let result) = outcome, state.results[key] == nil {
                state.order.append(key)
                state.results[key] = result
                while state.order.count > 24 { state.results[state.order.removeFirst()] = nil }
            }
        }
        return try outcome.get()
    }
}
