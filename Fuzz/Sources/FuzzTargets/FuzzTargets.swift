import Foundation
import NetSuiteAuth
import NetSuiteClient
import NetSuiteSimulator
import SuiteBridgeCore

/// Every fuzz target by name: each takes any bytes and must return without crashing, hanging or growing without
/// bound. `Scripts/fuzz.sh` runs them under libFuzzer with AddressSanitizer; `FuzzTargetsTests` replays the
/// committed corpus (`Fuzz/corpus/NAME/`) and every input that ever crashed (`Fuzz/regressions/NAME/`).
public enum FuzzTargets {
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "suiteql": { SimulatorFuzzing.suiteQL(text($0)) },
        "record-filter": { SimulatorFuzzing.recordFilter(text($0)) },
        "oauth1-header": { _ = try? AuthorizationHeader(parsing: text($0)) },
        "pem": { bytes in
            let pem = text(bytes)
            _ = try? SigningKey(pemRepresentation: pem)
            _ = try? CertificateInfo(pemRepresentation: pem)
        },
        // DER in every PEM wrapper SuiteBridge reads: certificates (RSASSA-PSS ones included), PKCS#8, PKCS#1, SEC1.
        "der": { bytes in
            let base64 = Data(bytes).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            _ = try? CertificateInfo(pemRepresentation: "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----")
            for label in ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"] {
                _ = try? SigningKey(pemRepresentation: "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----")
            }
        },
        "suiteql-page": { ClientFuzzing.suiteQLPage($0) },
        "csv": { CoreFuzzing.importFile($0, jsonLines: false) },
        "jsonl": { CoreFuzzing.importFile($0, jsonLines: true) },
        "schedule": { CoreFuzzing.schedule(text($0)) },
        "account-id": { _ = try? AccountID(parsing: text($0)) },
    ]

    /// Bytes as text the way a server reads a request: invalid UTF-8 replaced, not refused.
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The target `SUITEBRIDGE_FUZZ_TARGET` names (libFuzzer gives the entry point no arguments of its own).
    public static let selected: @Sendable ([UInt8]) -> Void = {
        let name = ProcessInfo.processInfo.environment["SUITEBRIDGE_FUZZ_TARGET"] ?? ""
        guard let target = all[name] else {
            FileHandle.standardError.write(Data("Set SUITEBRIDGE_FUZZ_TARGET to one of: \(all.keys.sorted().joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return target
    }()
}
