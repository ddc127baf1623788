import Foundation
import Testing
import ToonCore
import ToonIO
import ToonNN
import ToonTestSupport
@testable import Stylizer

/// The exported ONNX file, run by onnxruntime (PyPI; scripts/test installs it), against ToonKit.
@Suite("ONNX export: onnxruntime computes what ToonKit computes",
       .enabled(if: PythonReference.importable("onnxruntime") || PythonReference.required, "python3 with onnxruntime is not installed (pip install onnxruntime)"))
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
        try PythonReference.expectAgreement(script: Self.script, arguments: [onnx.path, input.path] + (degreeInput ? [degrees.path] : []),
                                            output: output, expected: expected, what: "onnxruntime")
    }
}
