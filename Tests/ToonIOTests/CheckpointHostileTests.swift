import Foundation
import Testing
import ToonTestSupport
@testable import ToonIO

/// Damaged and hostile files give a checkpoint error, never a crash, a hang or a huge allocation.
@Suite("Checkpoint hostile input", .computeFromEnvironment)
struct CheckpointHostileTests {
    static let pickles = ["tf/small64/small64.pkl", "tf/small64/small64_py37framing.pkl", "nvlabs/nv_ada_64.pkl", "nvlabs/sg3t_32.pkl"]

    /// Every byte of the first 64, then evenly spread cuts, then the last few bytes.
    static func cuts(_ count: Int, spread: Int = 96) -> [Int] {
        var cuts = Set(0..<min(64, count))
        for i in 0..<spread { cuts.insert(64 + (count - 64) * i / spread) }
        for i in 1...8 where count - i >= 0 { cuts.insert(count - i) }
        return cuts.sorted()
    }

    @Test("a fixture pickle cut short anywhere is an error", .enabled(if: CheckpointFixtures.available, CheckpointFixtures.skipReason),
          arguments: pickles)
    func truncatedPickles(fixture: String) throws {
        let bytes = try CheckpointFixtures.bytes(fixture).all
        for cut in Self.cuts(bytes.count) {
            let error = ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(bytes.prefix(cut), source: fixture) }
            #expect(error != nil, "\(fixture) cut at \(cut) decoded")
        }
    }

    @Test("the rosinality zip cut short anywhere, and its data.pkl cut at a thousand places, are errors",
          .enabled(if: CheckpointFixtures.available, CheckpointFixtures.skipReason))
    func truncatedZip() throws {
        let bytes = try CheckpointFixtures.bytes("rosinality/rosinality_16.pt").all
        for cut in Self.cuts(bytes.count) {
            #expect(ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(bytes.prefix(cut), source: "r.pt") } != nil, "cut at \(cut)")
        }
        let zip = try TorchZipFile(bytes, source: "r.pt")
        let pickle = try zip.archive.data(of: zip.archive.entry(named: zip.prefix + "data.pkl")!)
        for cut in Array(0..<512) + Array(stride(from: 512, to: pickle.count, by: 7)) {
            #expect(ToonIOError.checkpointFailure { _ = try PickleMachine().run(pickle.prefix(cut), source: "data.pkl") } != nil, "cut at \(cut)")
        }
    }

    @Test("an embedded torch storage stream cut at every byte is an error",
          .enabled(if: CheckpointFixtures.available, CheckpointFixtures.skipReason))
    func truncatedLegacyStream() throws {
        let bytes = try CheckpointFixtures.bytes("nvlabs/nv_ada_64.pkl").all
        let root = try PickleMachine().run(bytes, source: "nv").value
        // G_ema.synthesis.b4.const's storage stream.
        let meta = NVLabsDecoder.meta(root["G_ema"]!)!
        let synthesis = NVLabsDecoder.meta(meta["state"]!["_modules"]!["synthesis"]!)!
        let block = NVLabsDecoder.meta(synthesis["state"]!["_modules"]!["b4"]!)!
        let parameter = block["state"]!["_parameters"]!["const"]!.object(of: TorchTensorReader.rebuildParameter)!
        let storage = parameter.args[0].object(of: TorchTensorReader.rebuildTensor)!.args[0].object(of: TorchTensorReader.loadFromBytes)!
        guard case .bytes(let stream) = storage.args[0] else { Issue.record("no stream"); return }
        #expect(try TorchLegacyStream(stream, source: "s").storages.count == 1)
        for cut in 0..<stream.count {
            #expect(ToonIOError.checkpointFailure { _ = try TorchLegacyStream(stream.prefix(cut), source: "s") } != nil, "cut at \(cut)")
        }
    }

    @Test("a torch zip whose records are smaller than its tensors says which tensor",
          .enabled(if: CheckpointFixtures.available, CheckpointFixtures.skipReason))
    func storageTooSmall() throws {
        let original = try TorchZipFile(try CheckpointFixtures.bytes("rosinality/rosinality_16.pt").all, source: "r.pt")
        let pickle = try original.archive.data(of: original.archive.entry(named: original.prefix + "data.pkl")!).bytes
        var entries = [("small/data.pkl", pickle)]
        for key in 0..<13 { entries.append(("small/data/\(key)", [UInt8](repeating: 0, count: 16))) }
        let bytes = FileBytes(name: "small.pt", copying: ZipBuilder.make(entries)).all
        let error = ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(bytes, source: "small.pt") }
        #expect(error?.description.hasPrefix("small.pt: tensor g_ema.style.1.weight: storage too small") == true, "\(String(describing: error))")

        // The same small zip cut anywhere, and with random bytes changed, never crashes.
        for cut in Self.cuts(bytes.count, spread: 200) {
            #expect(ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(bytes.prefix(cut), source: "small.pt") } != nil)
        }
    }

    @Test("converted copies are capped relative to the file size, borrowed tensors are not")
    func copyLimit() throws {
        let data = FileBytes(name: "c", copying: [UInt8](repeating: 0, count: 4096)).all
        var counts = TensorLoadCounts(fileSize: 0)
        counts.copyLimit = 2048
        func make(_ element: StoredElement, offset: Int = 0) throws {
            _ = try TensorAssembly.make(name: "t", source: "c", shape: [1024], strides: [1], offset: offset, element: element,
                                        bigEndian: false, data: data, counts: &counts)
        }
        for _ in 0..<10 { try make(.float32) }
        #expect(counts.borrowed == 10 && counts.copied == 0)
        try make(.int32)
        try make(.int32)
        #expect(counts.copied == 2)
        #expect(ToonIOError.checkpointFailure { try make(.int32) }?.description.contains("more converted elements") == true)
        #expect(ToonIOError.checkpointFailure { try make(.float32, offset: 1) }?.description.contains("storage too small") == true)
    }

    @Test("ZIP64 central directories are followed; compressed entries are refused by name")
    func zip64() throws {
        let bytes = FileBytes(name: "z", copying: ZipBuilder.make([("a/x", [1, 2, 3]), ("a/data/0", [4, 5])], zip64: true)).all
        let archive = try ZipArchive(bytes, source: "z")
        #expect(archive.entries.map(\.name) == ["a/x", "a/data/0"])
        #expect(try archive.data(of: archive.entry(named: "a/data/0")!).bytes == [4, 5])

        let deflated = FileBytes(name: "d.pt", copying: ZipBuilder.make([("a/data.pkl", [0x80, 0x02, 0x4e, 0x2e])], method: 8)).all
        let error = ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(deflated, source: "d.pt") }
        #expect(error?.description == "d.pt: zip entry a/data.pkl: compressed with deflate; ToonKit reads only stored (uncompressed) entries, as torch.save writes them")
        // A compressed entry that unpacks to more than the whole file is still named by its compression.
        let large = FileBytes(name: "l.pt", copying: ZipBuilder.make([("a/data.pkl", [0x80, 0x02, 0x4e, 0x2e])], method: 8, unpackedSize: 10_000_000)).all
        let largeError = ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(large, source: "l.pt") }
        #expect(largeError?.description.contains("compressed with deflate") == true, "\(String(describing: largeError))")
    }

    @Test("files that are not StyleGAN checkpoints are named as such")
    func notStyleGAN() {
        func decode(_ bytes: [UInt8]) -> ToonIOError? {
            ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(FileBytes(name: "x", copying: bytes).all, source: "x") }
        }
        #expect(decode([])?.description == "x: not a StyleGAN checkpoint: empty file")
        #expect(decode([0x89, 0x50, 0x4e, 0x47])?.description == "x: not a StyleGAN checkpoint: neither a zip file nor a pickle (starts with 89 50 4e 47)")
        var dict = PickleBytes()
        dict.op(0x7d); dict.string("a"); dict.int(1); dict.op(0x73); dict.stop()
        #expect(decode(dict.bytes)?.description == "x: not a StyleGAN checkpoint: a pickle of a dict with keys a, not TF (G, D, Gs) networks or an NVLabs snapshot")
        #expect(decode(ZipBuilder.make([("a/b", [1])]))?.checkpointProblem == .notStyleGAN("zip file without <name>/data.pkl (not a torch.save file)"))
        var state = PickleBytes(protocol: 2)
        state.op(0x7d); state.string("g_ema"); state.op(0x7d); state.op(0x73); state.stop()
        #expect(decode(ZipBuilder.make([("a/data.pkl", state.bytes)]))?.description.contains("without a rosinality g_ema") == true)
    }

    @Test("random bytes, and random bytes behind pickle and zip headers, are errors")
    func randomBytes() {
        var random = TestRandom(seed: 42)
        let heads: [[UInt8]] = [[], [0x80, 0x04], [0x80, 0x02], [0x50, 0x4b, 0x03, 0x04], [0x80, 0x02, 0x8a, 0x0a] + TorchLegacyStream.magic]
        for i in 0..<500 {
            let bytes = heads[i % heads.count] + random.bytes(random.below(3000))
            _ = ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(FileBytes(name: "r", copying: bytes).all, source: "r") }
        }
    }

    @Test("a real pickle with random bytes changed decodes or fails cleanly",
          .enabled(if: CheckpointFixtures.available, CheckpointFixtures.skipReason), arguments: ["tf/small64/small64.pkl", "nvlabs/nv_ada_64.pkl"])
    func mutatedPickles(fixture: String) throws {
        let original = try CheckpointFixtures.bytes(fixture).all.bytes
        var random = TestRandom(seed: 7)
        for _ in 0..<24 {
            var bytes = original
            // Structure (opcodes, lengths, shapes) is dense in the first part of these files.
            for _ in 0..<4 { bytes[random.below(min(bytes.count, 60_000))] = UInt8(random.below(256)) }
            _ = ToonIOError.checkpointFailure { _ = try ForeignCheckpoint.decode(FileBytes(name: fixture, copying: bytes).all, source: fixture) }
        }
    }
}
