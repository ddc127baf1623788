import Foundation
import Testing
import ToonCore
import ToonIO
import ToonNN
import ToonTestSupport
@testable import Stylizer

/// The exported `.mlpackage`: its files and weight storage as written, and coremltools (PyPI;
/// scripts/test installs it) reading and rebuilding the program, evaluated against ToonKit.
@Suite("Core ML export")
struct CoreMLExportTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/check_coreml.py")

    /// A small student with non-zero biases, so every constant matters.
    static func student(degreeInput: Bool) -> StudentModel {
        var model = StudentModel.initial(StudentConfig(width: 4, bridgeBlocks: 2, levels: 2, degreeInput: degreeInput), seed: 7)
        var random = TestRandom(seed: 8)
        for name in model.parameters.names where name.hasSuffix(".bias") {
            model.parameters.update(name, to: random.tensor(model.parameters[name].shape, -0.3...0.3))
        }
        return model
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("coreml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("the package holds the manifest, the model and the weights; blobs are 64-byte aligned records of the scaled weights")
    func packageLayout() throws {
        let model = Self.student(degreeInput: false)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let package = folder.appendingPathComponent("s.mlpackage")
        try model.writeCoreML(to: package, sizes: [(16, 24)])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: package.appendingPathComponent("Manifest.json"))) as! [String: Any]
        let entries = manifest["itemInfoEntries"] as! [String: [String: String]]
        #expect(entries[manifest["rootModelIdentifier"] as! String]?["path"] == "com.apple.CoreML/model.mlmodel")
        #expect(Set(entries.values.map { $0["path"]! }) == ["com.apple.CoreML/model.mlmodel", "com.apple.CoreML/weights"])
        let spec = try Data(contentsOf: package.appendingPathComponent("Data/com.apple.CoreML/model.mlmodel"))
        #expect(Array(spec.prefix(2)) == [0x08, 0x07])  // specificationVersion = 7 comes first

        let blob = [UInt8](try Data(contentsOf: package.appendingPathComponent("Data/com.apple.CoreML/weights/weight.bin")))
        func u32(_ at: Int) -> UInt32 { blob[at..<at + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        func u64(_ at: Int) -> UInt64 { blob[at..<at + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        #expect(u32(4) == 2)  // storage version
        // Walk the records: each starts on 64 bytes with the sentinel, Float32, its size and data offset.
        var record = 64, found: [[Float]] = []
        while record < blob.count {
            #expect(record % 64 == 0 && u32(record) == 0xDEAD_BEEF && u32(record + 4) == 2)
            let (size, offset) = (Int(u64(record + 8)), Int(u64(record + 16)))
            #expect(offset == record + 64)
            found.append((0..<size / 4).map { Float(bitPattern: u32(offset + 4 * $0)) })
            record = (offset + size + 63) / 64 * 64
        }
        #expect(found.count == Int(u32(0)))
        let layer = model.network.encoder[0]
        #expect(found.first == (model.parameters["enc0.weight"] * layer.weightGain).contiguous().scalars)
    }

    @Test("a failed export leaves nothing, and a file that is not a package is never replaced")
    func refusals() throws {
        let model = Self.student(degreeInput: false)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("x.mlpackage")
        try Data("keep".utf8).write(to: file)
        #expect(throws: ToonIOError.self) { try model.writeCoreML(to: file, sizes: [(16, 16)]) }
        #expect(try Data(contentsOf: file) == Data("keep".utf8))
        let package = folder.appendingPathComponent("y.mlpackage")
        #expect(throws: ToonIOError.self) { try model.writeCoreML(to: package, sizes: [(16, 16), (16, 18)]) }  // 18 is not a multiple of 4
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["x.mlpackage"])
        // An earlier package is replaced whole.
        try model.writeCoreML(to: package, sizes: [(16, 16)])
        try model.writeCoreML(to: package, sizes: [(8, 8), (16, 16)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["x.mlpackage", "y.mlpackage"])
    }

    @Test("coremltools loads the package and rebuilds the program; evaluated, it is within 1e-4 of ToonKit (of the output's range), fixed size or one of enumerated sizes",
          .enabled(if: PythonReference.importable("coremltools") || PythonReference.required, "python3 with coremltools is not installed (pip install coremltools)"),
          arguments: [(false, false), (true, false), (true, true)])
    func coremltoolsAgrees(degreeInput: Bool, flexible: Bool) throws {
        var random = TestRandom(seed: 9)
        try Self.compareWithCoremltools(Self.student(degreeInput: degreeInput), image: random.tensor([1, 3, 12, 20]),
                                        sizes: flexible ? [(8, 8), (12, 20), (16, 16)] : [(12, 20)])
    }

    @Test("the built-in student (width 16, 3 levels, degree input) at 64x64: coremltools' evaluation is within 1e-4 of ToonKit (of the range)",
          .enabled(if: PythonReference.importable("coremltools") || PythonReference.required, "python3 with coremltools is not installed (pip install coremltools)"))
    func builtInStudentAgrees() throws {
        let weights = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/BuiltInModels/Weights/student-shaded64-anime.safetensors")
        var random = TestRandom(seed: 10)
        try Self.compareWithCoremltools(try StudentModel.read(from: weights), image: random.tensor([1, 3, 64, 64]), sizes: [(64, 64)])
    }

    /// Exports `model` for `sizes`, has check_coreml.py evaluate it on `image` (degree 0.25 when the
    /// student takes one) and compares with ToonKit's output.
    static func compareWithCoremltools(_ model: StudentModel, image: Tensor, sizes: [(height: Int, width: Int)]) throws {
        let degree = Tensor(shape: [1], scalars: [0.25])
        let degreeInput = model.config.degreeInput
        let expected = withoutGradients { model.network(image, degree: degreeInput ? degree : nil, model.parameters) }

        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (package, input, degrees, output) = (folder.appendingPathComponent("s.mlpackage"), folder.appendingPathComponent("x.npy"),
                                                 folder.appendingPathComponent("d.npy"), folder.appendingPathComponent("y.npy"))
        try model.writeCoreML(to: package, sizes: sizes)
        try NPY.write(image, to: input)
        try NPY.write(degree, to: degrees)
        try PythonReference.expectAgreement(script: Self.script, arguments: [package.path, input.path] + (degreeInput ? [degrees.path] : []),
                                            output: output, expected: expected, what: "coremltools check")
    }
}
