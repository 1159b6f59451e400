// swift-tools-version: 6.2
// The libFuzzer build of the fuzz targets, a package of its own so that the sanitizers instrument only what the
// targets use (not the OpenAPI generator the main package builds, which does not link with libFuzzer's main).
// Built and run by Scripts/fuzz.sh.
import PackageDescription

let package = Package(
    name: "SuiteBridgeFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "SuiteBridge", path: "..")],
    targets: [
        .executableTarget(
            name: "suitebridge-fuzz",
            dependencies: [.product(name: "FuzzTargets", package: "SuiteBridge")],
            path: "Engine",
            // libFuzzer's main drives LLVMFuzzerTestOneInput: no Swift main.
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
