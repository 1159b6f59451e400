import Testing
@testable import NetSuiteAuth
@Test func placeholder() { #expect(1 == 1) }
