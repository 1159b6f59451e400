/// The error codes NetSuite answers with, written once for the client that reads them, the simulator that
/// answers with them, and SuiteBridge's diagnosis of them.
///
/// REST web services put them in `o:errorDetails[].o:errorCode`; RESTlets in `error.code`; the OAuth 2 token
/// endpoint in `error` (RFC 6749, lower case).
public enum NetSuiteErrorCode {
    // MARK: REST web services and RESTlets
    /// The login was refused: wrong or revoked token, consumer key or secret, a disabled feature, a wrong realm.
    public static let invalidLogin = "INVALID_LOGIN"
    /// The same refusal, as NetSuite words it for some OAuth 1 failures.
    public static let invalidLoginAttempt = "INVALID_LOGIN_ATTEMPT"
    /// The role lacks a permission the request needs.
    public static let insufficientPermission = "INSUFFICIENT_PERMISSION"
    /// More requests in flight than the account's concurrency limit.
    public static let concurrencyLimitExceeded = "CONCURRENCY_LIMIT_EXCEEDED"
    /// The same refusal from SuiteScript (RESTlets).
    public static let requestLimitExceeded = "SSS_REQUEST_LIMIT_EXCEEDED"
    public static let unexpectedError = "UNEXPECTED_ERROR"
    /// A record-level refusal: a required field missing, a value not allowed.
    public static let userError = "USER_ERROR"
    /// No record with that internal or external id.
    public static let nonexistentID = "NONEXISTENT_ID"
    /// The body is not what the endpoint takes.
    public static let invalidContent = "INVALID_CONTENT"
    public static let invalidRequest = "INVALID_REQUEST"
    /// A query parameter (or a SuiteQL query) NetSuite cannot use.
    public static let invalidParameter = "INVALID_PARAMETER"
    /// A header NetSuite needs is missing or wrong (SuiteQL's `Prefer: transient`).
    public static let invalidHeader = "INVALID_HEADER"
    /// An asynchronous request repeated an `X-NetSuite-Idempotency-Key`; its `Location` names the first job.
    public static let idempotencyError = "IDEMPOTENCY_ERROR"
    public static let syntaxError = "SYNTAX_ERROR"
    public static let invalidTypeArgument = "SSS_INVALID_TYPE_ARG"
    /// No RESTlet with that script and deployment id.
    public static let invalidScriptletID = "SSS_INVALID_SCRIPTLET_ID"
    /// A RESTlet looked up a record that does not exist.
    public static let recordDoesNotExist = "RCRD_DSNT_EXIST"

    // MARK: OAuth 2 token endpoint
    /// The client assertion was refused: unknown, revoked or expired certificate, bad signature or times.
    public static let invalidGrant = "invalid_grant"
    /// The client id is unknown, or the integration cannot use the client credentials grant.
    public static let invalidClient = "invalid_client"
    public static let invalidOAuthRequest = "invalid_request"
    public static let invalidScope = "invalid_scope"
    public static let unauthorizedClient = "unauthorized_client"
}
