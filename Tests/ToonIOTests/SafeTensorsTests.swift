import Foundation
import Testing
@testable import ToonCore
@testable import ToonIO
import ToonTestSupport

/// Reading and writing safetensors, checked against files the reference Python package wrote
/// (Tests/Fixtures/safetensors/make_safetensors_fixtures.py).
@Suite("SafeTensors: reading and writing", .computeFromEnvironment)
struct SafeTensorsTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/safetensors")
    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }
    let folder = temporaryFolder("safetensors")

    /// The F32 tensors in f32.safetensors, and the metadata value stored with them.
    static let f32Tensors: [String: Tensor] = [
        "mapping.fc0.weight": Tensor(shape: [3, 4], scalars: (0..<12).map { (Float($0) - 6) / 4 }),
        "mapping.fc0.bias": Tensor(shape: [3], scalars: [0.5, -0.5, 1]),
        "synthesis.b4.const": Tensor(repeating: 0.125, shape: [2, 2, 2]),
        "Z.upper": Tensor(7),
        "w_avg": Tensor.zeros([0]),
    ]
    static let f32Config = "{\"name\": \"toon \\\"64\\\"\", \"ü\": 1}\n\t\u{01}"

    @Test("a reference file with every dtype reads in file order with converted values and metadata")
    func readsReferenceMixed() throws {
        let file = try SafeTensorsFile(url: Self.fixture("mixed.safetensors"))
        #expect(file.names == ["i64", "f64", "empty", "f32", "scalar", "i32", "bf16", "f16", "u8", "flags"])
        #expect(file.metadata == ["toonkit.config": "{\"z_dim\": 512}", "format": "pt"])
        #expect(file.config == "{\"z_dim\": 512}")
        let expected: [String: ([Int], [Float])] = [
            "f32": ([2, 3], [-1, -0.5, 0, 0.5, 1, 1.5]),
            "f16": ([3], [0.25, -65504, 0x1p-24]),
            "bf16": ([2], [1.5, -2]),
            // float64 rounds once to float32, as astype(float32) does; 1e300 overflows to infinity.
            "f64": ([2, 2], [Float(1e-3 as Double), -2.5, 3, .infinity]),
            "i32": ([3], [-7, 0, 2_147_483_648]),
            "i64": ([2], [-0x1p40, 5]),
            "u8": ([4], [0, 1, 128, 255]),
            "flags": ([3], [1, 0, 1]),
            "scalar": ([], [3.25]),
            "empty": ([0, 4], []),
        ]
        for (name, (shape, values)) in expected {
            let tensor = try file.tensor(name)
            #expect(tensor.shape == shape, "\(name)")
            #expect(tensor.scalars == values, "\(name)")
        }
        #expect(try file.tensors().count == expected.count)
    }

    @Test("aligned F32 tensors borrow the mapped file instead of copying it")
    func f32Borrows() throws {
        let file = try SafeTensorsFile(url: Self.fixture("f32.safetensors"))
        let entry = try #require(file.entry("mapping.fc0.weight"))
        let tensor = try file.tensor("mapping.fc0.weight")
        let expected = file.file.bytes.baseAddress! + file.dataStart + entry.byteRange.lowerBound
        #expect(tensor.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) } == expected)
        #expect(!tensor.storage.isWritable)
    }

    @Test("changing a borrowed tensor copies it first and leaves the file's data alone")
    func borrowedMutationCopies() throws {
        let file = try SafeTensorsFile(url: Self.fixture("f32.safetensors"))
        var tensor = try file.tensor("mapping.fc0.bias")
        tensor.withUnsafeMutableBufferPointer { $0[0] = 42 }
        #expect(tensor.scalars == [42, -0.5, 1])
        #expect(try file.tensor("mapping.fc0.bias").scalars == [0.5, -0.5, 1])
    }

    @Test("a borrowed tensor stays valid after its file object is released")
    func tensorOutlivesFile() throws {
        let tensor = try SafeTensorsFile(url: Self.fixture("f32.safetensors")).tensor("synthesis.b4.const")
        #expect(tensor.scalars == [Float](repeating: 0.125, count: 8))
    }

    @Test("writing produces exactly the reference writer's bytes",
          arguments: [("f32.safetensors", [SafeTensors.configKey: f32Config]),
                      ("f32_nometa.safetensors", [:])] as [(String, [String: String])])
    func writesLikeReference(name: String, metadata: [String: String]) throws {
        let url = folder.appendingPathComponent(name)
        try SafeTensors.write(Self.f32Tensors, metadata: metadata, to: url)
        #expect(try Data(contentsOf: url) == Data(contentsOf: Self.fixture(name)))
    }

    @Test("writing no tensors gives the reference writer's empty file")
    func writesEmpty() throws {
        let url = folder.appendingPathComponent("empty.safetensors")
        try SafeTensors.write([:], to: url)
        #expect(try Data(contentsOf: url) == Data(contentsOf: Self.fixture("empty.safetensors")))
        #expect(try SafeTensorsFile(url: url).names.isEmpty)
    }

    @Test("a written file reads back: names sorted, shapes, values and several metadata keys")
    func roundTrip() throws {
        let url = folder.appendingPathComponent("round.safetensors")
        let metadata = ["toonkit.config": "{\"resolution\": 1024}", "b": "2", "a": "x\u{0}y", "é": "ü"]
        var random = NumpyRandomState(seed: 3)
        let tensors = ["g.b": random.normalTensor([3, 5]), "g.a": random.normalTensor([7]), "d": Tensor(1)]
        try SafeTensors.write(tensors, metadata: metadata, to: url)
        let file = try SafeTensorsFile(url: url)
        #expect(file.names == ["d", "g.a", "g.b"])
        #expect(file.metadata == metadata)
        for (name, tensor) in tensors {
            let back = try file.tensor(name)
            #expect(back.shape == tensor.shape)
            #expect(back.scalars == tensor.scalars)
        }
    }

    @Test("an F32 tensor at an unaligned offset is copied and reads correctly")
    func unalignedF32() throws {
        let url = folder.appendingPathComponent("unaligned.safetensors")
        let header = #"{"u":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"f":{"dtype":"F32","shape":[2],"data_offsets":[3,11]}}"#
        var data = [UInt8](header.utf8)
        data += [UInt8](repeating: 0x20, count: (8 - data.count % 8) % 8)
        var bytes = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init) + data + [1, 2, 3]
        for value in [Float(1.5), -3] { bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        try Data(bytes).write(to: url)
        let file = try SafeTensorsFile(url: url)
        #expect(try file.tensor("f").scalars == [1.5, -3])
        #expect(try file.tensor("u").scalars == [1, 2, 3])
    }

    @Test("a known but unconverted dtype opens, and asking for that tensor names the dtype")
    func unconvertedDType() throws {
        let url = folder.appendingPathComponent("f8.safetensors")
        try Data(safetensors: #"{"q":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}"#, data: [1, 2]).write(to: url)
        let file = try SafeTensorsFile(url: url)
        let error = expectError { try file.tensor("q") }
        #expect(error?.description.contains("F8_E4M3") == true)
        guard case .unsupportedDType? = error?.tensorFileProblem else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test("asking for an absent tensor is a missingTensor error naming it")
    func missingTensor() throws {
        let file = try SafeTensorsFile(url: Self.fixture("f32.safetensors"))
        let error = expectError { try file.tensor("synthesis.b8.conv0.weight") }
        #expect(error?.tensorFileProblem == .missingTensor("'synthesis.b8.conv0.weight'"))
        #expect(error?.description == Self.fixture("f32.safetensors").path + ": no tensor named 'synthesis.b8.conv0.weight'")
    }

    @Test("the reserved name __metadata__ cannot be written as a tensor")
    func reservedName() {
        let url = folder.appendingPathComponent("reserved.safetensors")
        let error = #expect(throws: ToonIOError.self) { try SafeTensors.write(["__metadata__": Tensor(1)], to: url) }
        #expect(error?.writeProblem != nil)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test("opening a 2 GiB file reads only its header; one element far in reads lazily")
    func lazyLargeFile() throws {
        let url = folder.appendingPathComponent("large.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let count = 1 << 29  // 2 GiB of F32, left as a hole in a sparse file
        let header = Data(safetensors: "{\"big\":{\"dtype\":\"F32\",\"shape\":[\(count)],\"data_offsets\":[0,\(count * 4)]}}", data: [])
        try header.write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(header.count + count * 4))
        try handle.close()
        let clock = ContinuousClock()
        var last: Float = -1
        let elapsed = try clock.measure {
            let tensor = try SafeTensorsFile(url: url).tensor("big")
            #expect(tensor.shape == [count])
            last = tensor.withUnsafeBufferPointer { $0[count - 1] }
        }
        #expect(last == 0)
        #expect(elapsed < .seconds(1), "took \(elapsed): the file was read, not mapped")
    }
}

/// A fresh empty folder under the temporary directory.
func temporaryFolder(_ tag: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-\(tag)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension Data {
    /// A safetensors file: length prefix, `header` padded with spaces to a multiple of 8, `data`.
    init(safetensors header: String, data: [UInt8]) {
        var json = [UInt8](header.utf8)
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        self.init(Swift.withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data)
    }
}
