import Foundation

/// A webhook told of events: JSON with a `text` field, so Slack-compatible endpoints show it.
public struct Alert: Sendable, Hashable, Codable {
    /// What an alert is told of.
    public enum Event: String, Sendable, Hashable, Codable, CaseIterable {
        /// A flow's run failed.
        case runFailed = "run-failed"
        /// A flow stopped because NetSuite refused its instance's credentials.
        case credentialsWaiting = "credentials-waiting"
        /// An active certificate has 14, 7 or 1 days left.
        case certificateExpiry = "certificate-expiry"
        /// A flow's open errors reached 1, 10, 100 or 1,000.
        case inboxGrowth = "inbox-growth"
    }

    public var name: String
    /// Scheme, host and port of the webhook's URL; its path, which may hold a credential, is never shown.
    public var url: String
    public var events: [Event]
    public var createdAt: Date
}

/// One event told (or to be told) to one alert.
public struct AlertDelivery: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable { case pending, sent, failed }

    public var alert: String
    public var kind: Alert.Event
    public var text: String
    public var state: State
    public var attempts: Int
    public var createdAt: Date
    public var sentAt: Date?
    public var lastError: String?
}
