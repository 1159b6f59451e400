import Foundation
import NetSuiteAuth
import NetSuiteClient

/// What `instance test` found.
public struct InstanceTestResult: Sendable, Hashable {
    /// One step of the test.
    public struct Step: Sendable, Hashable {
        public var name: String
        public var passed: Bool
        public var detail: String
    }

    public var instance: String
    public var steps: [Step]
    /// Why it failed, and the fix; `nil` when it passed.
    public var failure: SuiteBridgeError?

    public var passed: Bool { failure == nil }
}
