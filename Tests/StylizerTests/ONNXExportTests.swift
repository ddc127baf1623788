import Foundation
import Testing
import ToonCore
import ToonIO
import ToonNN
import ToonTestSupport
@testable import Stylizer

/// The exported ONNX file, run by onnxruntime (PyPI; scripts/test installs it), against ToonKit.
@Suite("ONNX export: onnxruntime computes what ToonKit computes",
       .enabled(if: ONNXRuntime.available || ONNXRuntime.required, "python3 with onnxruntime is not installed (pip install onnxruntime)"))
struct ONNXExportTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/run_onnx.py")

    @Test("outputs agree within 1e-4 of their range, with and without a degree input, batch 2, non-square",
          arguments: [false, true])
    func agrees(degreeInput: Bool) throws {
        let config = StudentConfig(width: 4, bridgeBlocks: 2, levels: 2, degreeInput: degreeInput)
        var model = StudentModel.initial(config, seed: 7)
        var random = TestRandom(seed: 8)
        for name in model.parameters.names where name.hasSuffix(".bias") {
            model.parameters.update(name, to: random.tensor(model.parameters[name].shape, -0.3...0.3))
        }
        let image = random.tensor([2, 3, 12, 20])
        let degree = Tensor(shape: [2], scalars: [0.25, 1])
        let expected = withoutGradients { model.network(image, degree: degreeInput ? degree : nil, model.parameters) }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (onnx, input, degrees, output) = (folder.appendingPathComponent("s.onnx"), folder.appendingPathComponent("x.npy"),
                                              folder.appendingPathComponent("d.npy"), folder.appendingPathComponent("y.npy"))
        try model.writeONNX(to: onnx)
        try NPY.write(image, to: input)
        try NPY.write(degree, to: degrees)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, onnx.path, input.path] + (degreeInput ? [degrees.path] : []) + [output.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "onnxruntime failed: \(message)")
        let got = try NPY.read(output)
        #expect(got.shape == expected.shape)
        let range = expected.scalars.max()! - expected.scalars.min()!
        let worst = zip(got.scalars, expected.scalars).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-4 * range, "worst difference \(worst) of range \(range)")
    }
}

/// Whether onnxruntime can be imported by python3; CI must not skip the check (scripts/test installs it).
enum ONNXRuntime {
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    static let available: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import onnxruntime"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}
