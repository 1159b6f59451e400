// swift-tools-version: 6.2
import Foundation
import PackageDescription

/// `SUITEBRIDGE_WITHOUT_TRACE_EXPORT=1` builds without swift-otel (Scripts/tsan.sh and Scripts/fuzz.sh set it):
/// swift-otel 1.6.0 does not compile with -sanitize=thread (a region-isolation error in its batch processors).
let traceExport = ProcessInfo.processInfo.environment["SUITEBRIDGE_WITHOUT_TRACE_EXPORT"] == nil

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "SuiteBridge",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NetSuiteAuth", targets: ["NetSuiteAuth"]),
        .library(name: "NetSuiteSimulator", targets: ["NetSuiteSimulator"]),
        .library(name: "NetSuiteClient", targets: ["NetSuiteClient"]),
        .library(name: "SuiteBridgeCore", targets: ["SuiteBridgeCore"]),
        .library(name: "SuiteBridgeServer", targets: ["SuiteBridgeServer"]),
        .library(name: "SuiteBridgeAPIClient", targets: ["SuiteBridgeAPIClient"]),
        .executable(name: "suitebridge", targets: ["suitebridge"]),
        // For Fuzz/Package.swift only (the libFuzzer build): not an API.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", exact: "1.7.4"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        // NIOConcurrencyHelpers only: its lock is a pthread mutex, which ThreadSanitizer sees (Synchronization.Mutex
        // waits in futex calls it cannot see, so every contended lock reads as a race; Scripts/tsan.sh).
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", exact: "1.7.3"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", exact: "1.1.4"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", exact: "2.5.2"),
        .package(url: "https://github.com/vapor/sql-kit.git", exact: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", exact: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", exact: "2.17.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", exact: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", exact: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", exact: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", exact: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
    ] + (traceExport ? [
        // OTLP over HTTP only: the gRPC exporter's dependencies are left out.
        .package(url: "https://github.com/swift-otel/swift-otel.git", exact: "1.6.0", traits: ["OTLPHTTP"]),
    ] : []),
    targets: [
        // Fuzzing: the targets (Fuzz/Sources/FuzzTargets); Fuzz/Package.swift builds their libFuzzer entry point.
        .target(
            name: "FuzzTargets",
            dependencies: ["NetSuiteAuth", "NetSuiteClient", "NetSuiteSimulator", "SuiteBridgeCore"],
            path: "Fuzz/Sources/FuzzTargets",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FuzzTargetsTests",
            dependencies: ["FuzzTargets"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetSuiteAuth",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetSuiteSimulator",
            dependencies: [
                "NetSuiteAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NetSuiteClient",
            dependencies: [
                "NetSuiteAuth",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SuiteBridgeCore",
            dependencies: [
                "NetSuiteAuth",
                "NetSuiteClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SuiteBridgeServer",
            dependencies: [
                "SuiteBridgeCore",
                "NetSuiteAuth",
                "NetSuiteClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "SuiteBridgeAPIClient",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
            ],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "suitebridge",
            dependencies: [
                "NetSuiteAuth",
                "SuiteBridgeCore",
                "SuiteBridgeServer",
                "NetSuiteSimulator",
                "NetSuiteClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ] + (traceExport ? [.product(name: "OTel", package: "swift-otel")] : []),
            swiftSettings: swiftSettings + (traceExport ? [.define("TraceExport")] : [])
        ),
        .executableTarget(
            name: "suitebridge-bench",
            dependencies: ["NetSuiteAuth", "NetSuiteClient"],
            path: "Benchmarks/ClientBench",
            swiftSettings: swiftSettings
        ),
        // Helpers every test target shares: captured logs, a simulator on loopback, temporary folders, store setup on
        // SQLite and PostgreSQL.
        .target(
            name: "SuiteBridgeTestSupport",
            dependencies: [
                "NetSuiteAuth",
                "NetSuiteSimulator",
                "SuiteBridgeCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/SuiteBridgeTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetSuiteAuthTests",
            dependencies: ["NetSuiteAuth", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetSuiteSimulatorTests",
            dependencies: [
                "SuiteBridgeTestSupport",
                "NetSuiteSimulator",
                "NetSuiteAuth",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetSuiteClientTests",
            dependencies: [
                "SuiteBridgeTestSupport",
                "NetSuiteClient",
                "NetSuiteSimulator",
                "NetSuiteAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SuiteBridgeCoreTests",
            dependencies: [
                "SuiteBridgeTestSupport",
                "SuiteBridgeCore",
                "NetSuiteClient",
                "NetSuiteSimulator",
                "NetSuiteAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SuiteBridgeServerTests",
            dependencies: [
                "SuiteBridgeTestSupport",
                "SuiteBridgeServer",
                "SuiteBridgeAPIClient",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "SQLKit", package: "sql-kit"),
                "SuiteBridgeCore",
                "NetSuiteSimulator",
                "NetSuiteAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SuiteBridgeCLITests",
            dependencies: [
                "suitebridge", "NetSuiteAuth", "SuiteBridgeTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings + (traceExport ? [.define("TraceExport")] : [])
        ),
    ],
    swiftLanguageModes: [.v6]
)
