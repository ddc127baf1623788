import Foundation
import Testing
import ToonCore
import ToonIO

/// The exports' checks by Python packages (onnxruntime, coremltools; scripts/test installs them):
/// whether a module imports, and one run of a check script that writes its output as .npy.
enum PythonReference {
    /// CI must never skip these checks.
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether python3 can import `module`.
    static func importable(_ module: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import \(module)"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Runs `python3 script arguments...`, which writes `output`, and expects that array within 1e-4
    /// of `expected`'s range of it.
    static func expectAgreement(script: URL, arguments: [String], output: URL, expected: Tensor, what: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments + [output.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(what) failed: \(message)")
        let got = try NPY.read(output)
        #expect(got.shape == expected.shape)
        let range = expected.scalars.max()! - expected.scalars.min()!
        let worst = zip(got.scalars, expected.scalars).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-4 * range, "worst difference \(worst) of range \(range)")
    }
}
