import Foundation
import Logging
import NetSuiteClient

/// What every part of the core works with: the store, the secrets, the audit log, the clock, the way to NetSuite,
/// and who acts (for the audit log).
///
/// A context is cheap to copy; copies share the connections made in this process. The parts of the core hang off
/// it by concept:
///
/// | part | what it does |
/// |---|---|
/// | ``instances`` | add, edit, list, remove connector instances; the only writer of the `instances` table |
/// | ``connections`` | the NetSuite client of each instance, made once per process; credentials opened once |
/// | ``certificates`` | the certificate lifecycle: rotate, activate, revoke, policy and scheduled rotation |
/// | ``diagnostics`` | `test`, `doctor`, and what a refused login means |
/// | ``flows`` | flows and their runs |
/// | ``mirrors`` | which tables an instance can mirror; where each mirror flow's tables stand |
public struct CoreContext: Sendable {
    public let store: Store
    public let secrets: SecretBox
    public let audit: AuditLog
    /// Who acts, for the audit log: `cli:<user>`, an API token's name, `scheduler`, `worker`.
    public let actor: String
    /// How NetSuite is reached.
    public let transport: HTTPClientTransport
    public let logger: Logger
    /// The clock: certificates' days left, audit times, schedules.
    public let now: @Sendable () -> Date
    /// The folder flow files stay in.
    public let files: FileBoundary
    /// Where flows may send data.
    public let destinations: DestinationPolicy
    let connectionCache: ConnectionCache

    /// - Parameters:
    ///   - store: where instances, certificates, flows and the audit log live.
    ///   - secrets: seals and opens the stored secrets.
    ///   - actor: written in the audit log.
    ///   - transport: how NetSuite is reached.
    ///   - now: the clock.
    ///   - files: the folder flow files stay in; by default none, so flows with files are refused.
    ///   - destinations: where flows may send data; by default public https endpoints only.
    public init(store: Store, secrets: SecretBox, actor: String, transport: HTTPClientTransport = HTTPClientTransport(),
                logger: Logger = Logger(label: "suitebridge"), now: @escaping @Sendable () -> Date = { Date() }, files: FileBoundary = .none,
                destinations: DestinationPolicy = DestinationPolicy()) {
        self.store = store
        self.secrets = secrets
        self.audit = AuditLog(store: store)
        self.actor = actor
        var transport = transport
        if destinations.onlyAllowlisted {
            // A sandbox: NetSuite requests, the token exchange and doctor's probe reach only the allowlist.
            transport.allows = { url in destinations.allowsNetSuiteRequest(to: url) }
        }
        self.transport = transport
        self.logger = logger
        self.now = now
        self.files = files
        self.destinations = destinations
        self.connectionCache = ConnectionCache()
    }

    private init(sharing other: CoreContext, actor: String) {
        self.store = other.store
        self.secrets = other.secrets
        self.audit = other.audit
        self.actor = actor
        self.transport = other.transport
        self.logger = other.logger
        self.now = other.now
        self.files = other.files
        self.destinations = other.destinations
        self.connectionCache = other.connectionCache
    }

    /// The same context (store, secrets, shared connections) acting as `actor` in the audit log: one per API caller.
    public func acting(as actor: String) -> CoreContext {
        CoreContext(sharing: self, actor: actor)
    }

    /// The connector instances.
    public var instances: Instances { Instances(context: self) }
    /// The NetSuite clients of the instances.
    public var connections: Connections { Connections(context: self) }
    /// The certificates of OAuth 2 instances.
    public var certificates: CertificateLifecycle { CertificateLifecycle(context: self) }
    /// Tests and checks of instances.
    public var diagnostics: Diagnostics { Diagnostics(context: self) }
    /// Flows and their runs.
    public var flows: Flows { Flows(context: self) }
    /// Mirror discovery and status.
    public var mirrors: Mirrors { Mirrors(context: self) }
}
