import FuzzTargets
import Foundation

#if FUZZING
// Built by Scripts/fuzz.sh with -sanitize=fuzzer,address -parse-as-library -D FUZZING: libFuzzer's main calls this.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.selected(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#else
// Without the fuzzer: `suitebridge-fuzz TARGET FILE…` runs each file through the target once (to replay a crash).
let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let target = FuzzTargets.all[name] else {
    print("usage: suitebridge-fuzz TARGET FILE…  (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", ")))")
    exit(2)
}
for file in arguments.dropFirst() {
    target(Array((try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()))
    print("\(file): ok")
}
#endif
