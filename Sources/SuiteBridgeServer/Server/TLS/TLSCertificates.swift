import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOSSL

/// The server's TLS certificate chain and private key, read from two PEM files and read again on `reload()`
/// (SIGHUP): connections made after a reload get the new certificate, open ones keep theirs, none is dropped.
public final class TLSCertificates: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let context: NIOLockedValueBox<NIOSSLContext>
    private let fingerprint: NIOLockedValueBox<String>

    /// Reads the files.
    /// - Throws: ``TLSFileError`` naming the file and what is wrong with it.
    public init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        let (context, fingerprint) = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        self.context = NIOLockedValueBox(context)
        self.fingerprint = NIOLockedValueBox(fingerprint)
    }

    /// The context new connections use.
    var current: NIOSSLContext { context.withLockedValue { $0 } }

    /// The SHA-256 of the leaf certificate in use (hex), to tell certificates apart in logs.
    public var currentFingerprint: String { fingerprint.withLockedValue { $0 } }

    /// Reads the files again; on any problem the certificate in use stays and the error says why.
    /// - Returns: the new leaf certificate's fingerprint.
    @discardableResult
    public func reload() throws -> String {
        let (context, fingerprint) = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        self.context.withLockedValue { $0 = context }
        self.fingerprint.withLockedValue { $0 = fingerprint }
        return fingerprint
    }

    static func load(certificatePath: String, keyPath: String) throws -> (NIOSSLContext, String) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw TLSFileError(file: certificatePath, problem: "is not a PEM certificate chain (\(error))", remedy: "Give the server certificate, then any intermediates, in PEM.")
        }
        guard let leaf = chain.first else {
            throw TLSFileError(file: certificatePath, problem: "holds no certificate", remedy: "Give the server certificate, then any intermediates, in PEM.")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw TLSFileError(file: keyPath, problem: "is not a PEM private key (\(error))", remedy: "Give the certificate's unencrypted private key in PEM.")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError(file: keyPath, problem: "does not match the certificate in \(certificatePath) (\(error))", remedy: "Give the private key of that certificate.")
        }
        let der = (try? leaf.toDERBytes()) ?? []
        return (context, Self.sha256Hex(der))
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

/// A TLS file that cannot be used: which file, what is wrong, and the fix.
public struct TLSFileError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var problem: String
    public var remedy: String
    public var description: String { "\(file) \(problem)" }
}
