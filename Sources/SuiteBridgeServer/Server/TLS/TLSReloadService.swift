import Logging
import ServiceLifecycle
import UnixSignals

/// Reads the TLS certificate and key again on SIGHUP (after a renewal), without a restart: new connections get the
/// new certificate; a file that cannot be used leaves the one in use, and the log says why.
public struct TLSReloadService: Service {
    let certificates: TLSCertificates
    let logger: Logger

    public init(certificates: TLSCertificates, logger: Logger) {
        self.certificates = certificates
        self.logger = logger
    }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                let fingerprint = try certificates.reload()
                logger.info("TLS certificate reloaded", metadata: ["sha256": "\(fingerprint)", "certificate": "\(certificates.certificatePath)"])
            } catch {
                logger.error("TLS certificate not reloaded; the one in use stays", metadata: ["error": "\(error)"])
            }
        }
    }
}
