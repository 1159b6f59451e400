import Foundation
import Logging
import ServiceLifecycle
import SuiteBridgeCore

/// Looks after certificates while the server runs: at start and then every interval, runs the unattended
/// rotations that are due (retrying failed ones with backoff) and logs certificates near expiry (30, 14, 7 days).
struct CertificateScheduler: Service {
    let core: CoreContext
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let scheduled = core.acting(as: "scheduler").certificates
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                for outcome in try await scheduled.runDueRotations() {
                    logger.info("scheduled certificate rotation", metadata: [
                        "instance": "\(outcome.instance)", "succeeded": "\(outcome.succeeded)", "detail": "\(outcome.detail)",
                    ])
                }
                _ = try await scheduled.certificateStatus()
            } catch {
                logger.error("certificate check failed", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return  // shutting down
            }
        }
    }
}

/// Executes flow runs while the server runs (and queues scheduled ones); stops on shutdown, leaving any run it
/// held to be taken over from its checkpoint.
struct FlowWorkerService: Service {
    let worker: FlowWorker
    let readiness: Readiness

    func run() async throws {
        readiness.setWorkerRunning(true)
        defer { readiness.setWorkerRunning(false) }
        try? await cancelWhenGracefulShutdown { try await worker.run() }
    }
}

/// Keeps this server's heartbeat in the store and follows a master key rotated by another process; removes the
/// heartbeat on shutdown.
struct ServerPresenceService: Service {
    let presence: ServerPresence
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await presence.run(logger: logger) }
        await presence.leave()
    }
}
