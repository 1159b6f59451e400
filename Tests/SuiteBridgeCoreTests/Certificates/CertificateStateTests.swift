import Testing
@testable import SuiteBridgeCore

@Suite("Certificate state machine")
struct CertificateStateTests {
    @Test("every allowed transition, and nothing else")
    func table() {
        let allowed: [CertificateState: [CertificateState.Transition: CertificateState]] = [
            .pending: [.activate: .active, .revoke: .revoked],
            .active: [.retire: .retired, .revoke: .revoked],
            .retired: [.rollback: .active, .revoke: .revoked],
            .revoked: [:],
        ]
        for state in CertificateState.allCases {
            for transition in CertificateState.Transition.allCases {
                #expect(state.applying(transition) == allowed[state]?[transition], "\(state) \(transition)")
            }
        }
    }

    @Test("a refused transition names the certificate and says what to do")
    func refusal() {
        do {
            _ = try CertificateState.revoked.after(.activate, certificate: "ABC")
            Issue.record("expected an error")
        } catch let error as SuiteBridgeError {
            #expect(error.code == .conflict)
            #expect(error.message.contains("ABC") && error.message.contains("revoked"))
            #expect(error.remedy.contains("cert rotate"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
