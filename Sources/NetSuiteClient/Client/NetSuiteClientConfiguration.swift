import NetSuiteAuth

/// How a ``NetSuiteClient`` reaches one NetSuite account.
public struct NetSuiteClientConfiguration: Sendable {
    /// How requests authenticate.
    public enum Authentication: Sendable {
        /// OAuth 1 token-based auth: a fresh HMAC-SHA256 signature over each URL sent.
        case tokenBased(TokenBasedAuth)
        /// OAuth 2 client credentials: a bearer token from the provider, refreshed once on a 401.
        case clientCredentials(AccessTokenProvider)
    }

    /// The account.
    public var account: AccountID
    public var authentication: Authentication
    /// Where REST records and SuiteQL go: `https://<host>.suitetalk.api.netsuite.com` by default; set it for the
    /// simulator (`http://127.0.0.1:9090`) or a proxy.
    public var baseURL: String
    /// The RESTlet endpoint: `https://<host>.restlets.api.netsuite.com/app/site/hosting/restlet.nl` by default.
    public var restletURL: String
    /// The account's concurrency limit (its service tier's); default 5.
    public var concurrencyLimit: Int
    /// Retries for throttled, failed and dropped requests.
    public var retry: RetryPolicy
    /// How long one request may take; default 300 s (NetSuite's own limit is 15 minutes).
    public var timeout: Duration
    /// A budget shared with other processes (several servers calling the same account): each request also holds
    /// one of its slots, so all processes together stay within the account's limit. `nil`: this process only.
    public var sharedBudget: (any ConcurrencyBudget)?
    /// The `instance` dimension of the client's metrics (swift-metrics): requests by status, retries, 429s, durations.
    /// Default: the account's realm.
    public var metricsLabel: String
    /// Where limiters are shared: by default the whole process, so all clients of an account share its budget.
    public var limiters: ConcurrencyLimiterRegistry
    /// How asynchronous jobs (batches, creates) are waited for.
    public var asyncPolling = AsyncPolling()

    public init(
        account: AccountID, authentication: Authentication, baseURL: String? = nil, restletURL: String? = nil,
        concurrencyLimit: Int = 5, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(300),
        limiters: ConcurrencyLimiterRegistry = .shared
    ) {
        self.account = account
        self.authentication = authentication
        let origin = baseURL.map(AccountID.origin)
        self.baseURL = origin ?? account.restOrigin
        self.restletURL = restletURL ?? origin.map { $0 + "/app/site/hosting/restlet.nl" } ?? account.restletBaseURL
        self.concurrencyLimit = max(1, concurrencyLimit)
        self.retry = retry
        self.timeout = timeout
        self.limiters = limiters
        self.metricsLabel = account.realm
    }

    /// The OAuth 2 token endpoint under ``baseURL``.
    public var tokenURL: String { account.tokenURL(origin: baseURL) }

    /// The key under which this account's limiter is shared.
    var limiterKey: String { "\(account.realm)@\(baseURL)" }
}
