import Foundation
import Testing
import ToonCore
@testable import ToonIO
import ToonTestSupport

/// The writing side of the torch formats, checked by reading back with ToonKit's own reader (which
/// the fixture tests pin to files torch wrote). Tests/ToonIOTests/Reference/check_rosinality_export.py
/// is the independent check with PyTorch, run by hand.
@Suite("Export: pickle writer", .computeFromEnvironment)
struct ExportPickleWriterTests {
    static let machine = PickleMachine(allowList: PickleAllowList(
        PickleAllowList.styleGANCheckpoints.globals.union((0..<300).map { PickleGlobal("m", "g\($0)") })))

    static func roundTrip(_ item: PickleItem) throws -> PickleValue {
        try machine.run(FileBytes(name: "w.pkl", copying: PickleWriter.pickle(item)).all, source: "w.pkl").value
    }

    @Test("integers at every width boundary read back as written", arguments: [
        0, 1, 255, 256, 65535, 65536, -1, -256, Int(Int32.max), Int(Int32.min), 1 << 31, -(1 << 31) - 1, 1 << 40,
        -(1 << 40), 0x7f << 48, Int.max, Int.min,
    ])
    func integers(value: Int) throws {
        #expect(try Self.roundTrip(.int(value)).int == value)
    }

    @Test("the smallest integer opcode is chosen: BININT1, BININT2, BININT, LONG1")
    func integerOpcodes() {
        #expect(PickleWriter.pickle(.int(255)) == [0x80, 2, 0x4b, 255, 0x2e])
        #expect(PickleWriter.pickle(.int(256)) == [0x80, 2, 0x4d, 0, 1, 0x2e])
        #expect(PickleWriter.pickle(.int(-1)) == [0x80, 2, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x2e])
        #expect(PickleWriter.pickle(.int(1 << 31)) == [0x80, 2, 0x8a, 5, 0, 0, 0, 0x80, 0, 0x2e])
    }

    @Test("strings, floats, booleans, None and tuples of every length")
    func scalarsAndTuples() throws {
        #expect(try Self.roundTrip(.string("g_ema · ünïcode")).string == "g_ema · ünïcode")
        #expect(try Self.roundTrip(.float(-0.125)).double == -0.125)
        #expect(try Self.roundTrip(.bool(true)).int == 1)
        #expect(try Self.roundTrip(.none).isNone)
        for n in 0...5 {
            let value = try Self.roundTrip(.tuple((0..<n).map { .int($0 * 1000) }))
            #expect(value.elements?.map(\.int) == (0..<n).map { $0 * 1000 })
        }
    }

    @Test("dicts keep their order, across SETITEMS batches of 1000")
    func dictOrder() throws {
        let pairs: [(PickleItem, PickleItem)] = (0..<2501).map { (.string("k\($0)"), .int($0)) }
        let value = try Self.roundTrip(.dict(pairs))
        #expect(value.dictPairs?.map { $0.0.string! } == (0..<2501).map { "k\($0)" })
        #expect(value.dictPairs?.map { $0.1.int! } == Array(0..<2501))
        #expect(try Self.roundTrip(.dict([(.string("one"), .int(1))]))["one"]?.int == 1)
    }

    @Test("a global is spelled once and memoised, also past 256 memo entries (LONG_BINPUT)")
    func memoisedGlobals() throws {
        let globals: [PickleItem] = (0..<300).map { .global(module: "m", name: "g\($0)") }
        let item = PickleItem.tuple(globals + globals)
        let bytes = PickleWriter.pickle(item)
        #expect(bytes.count(where: { $0 == PickleOpcode.global.rawValue }) >= 300)
        #expect(bytes.contains(PickleOpcode.longBinPut.rawValue) && bytes.contains(PickleOpcode.longBinGet.rawValue))
        let value = try Self.roundTrip(item)
        let names = value.elements?.compactMap { v -> String? in if case .global(let g) = v { g.name } else { nil } }
        #expect(names == (0..<600).map { "g\($0 % 300)" })
    }

    @Test("OrderedDict() with items and persistent ids come back as objects and references")
    func objects() throws {
        let item = PickleItem.reduceWithItems(.global(module: "collections", name: "OrderedDict"), args: [],
                                              items: [(.string("a"), .persistentID(.tuple([.string("storage"), .int(7)])))])
        let value = try Self.roundTrip(item)
        #expect(value.object(of: PickleGlobal("collections", "OrderedDict")) != nil)
        guard case .persistentID(let pid)? = value["a"] else {
            Issue.record("expected a persistent id, got \(String(describing: value["a"]))")
            return
        }
        #expect(pid.elements?.last?.int == 7)
    }
}

@Suite("Export: CRC-32", .computeFromEnvironment)
struct ExportCRC32Tests {
    /// The byte-at-a-time definition, to check the sliced one against.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }

    @Test("the standard check value and the empty input")
    func checkValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test("slicing by eight matches the bytewise definition at every length and split", arguments: [0, 1, 7, 8, 9, 63, 1000])
    func matchesReference(length: Int) {
        var state: UInt32 = 12345
        let bytes: [UInt8] = (0..<length).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        #expect(CRC32.checksum(bytes) == Self.reference(bytes))
        for split in Set([0, length / 3, length]) {
            var crc = CRC32()
            bytes.withUnsafeBytes { all in
                crc.update(UnsafeRawBufferPointer(rebasing: all[0..<split]))
                crc.update(UnsafeRawBufferPointer(rebasing: all[split...]))
            }
            #expect(crc.value == Self.reference(bytes))
        }
    }
}

@Suite("Export: torch.save zip files", .computeFromEnvironment)
struct ExportTorchSaveTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-torchsave-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static func ramp(_ shape: [Int], from start: Float = 0) -> Tensor {
        Tensor(shape: shape, scalars: (0..<Shape.count(shape)).map { start + Float($0) * 0.5 })
    }

    static let sample = TorchSaveValue.dict([
        ("net", .orderedDict([
            ("conv.weight", .tensor(ramp([2, 3, 3, 3]), shape: [1, 2, 3, 3, 3])),
            ("scalar", .tensor(Tensor(2.5), shape: [1])),
            ("empty", .tensor(Tensor.zeros([0]))),
            ("rgb.bias", .tensor(ramp([3], from: -1), shape: [1, 3, 1, 1])),
        ])),
        ("avg", .tensor(ramp([5], from: 100))),
        ("step", .int(12)),
    ])

    /// Reads `url` back: the archive, and every tensor by its dotted path.
    static func readBack(_ url: URL) throws -> (TorchZipFile, [String: Tensor]) {
        let bytes = try FileBytes.map(url)
        let zip = try TorchZipFile(bytes.all, source: url.path)
        let reader = TorchTensorReader(source: url.path) { (pid: PickleValue) throws(ToonIOError) -> TorchStorage in
            try zip.storage(forPersistentID: pid)
        }
        var counts = TensorLoadCounts()
        var tensors: [String: Tensor] = [:]
        func walk(_ value: PickleValue, _ path: String) throws {
            if let t = try reader.tensor(value, name: path, counts: &counts) {
                tensors[path] = t
            } else if let pairs = value.dictPairs {
                for (k, v) in pairs { try walk(v, path.isEmpty ? k.string! : "\(path).\(k.string!)") }
            }
        }
        try walk(zip.root, "")
        return (zip, tensors)
    }

    func check(zip64: Bool) throws {
        let url = folder.appendingPathComponent("sample.pt")
        try TorchSave.write(Self.sample, to: url, options: .init(forceZip64: zip64))
        let (zip, tensors) = try Self.readBack(url)
        #expect(zip.prefix == "sample/")
        #expect(zip.archive.entries.map(\.name) == ["sample/data.pkl", "sample/.format_version", "sample/.storage_alignment",
                                                    "sample/byteorder"] + (0..<5).map { "sample/data/\($0)" } + ["sample/version"])
        #expect(tensors["net.conv.weight"]?.shape == [1, 2, 3, 3, 3])
        #expect(tensors["net.conv.weight"]?.scalars == Self.ramp([2, 3, 3, 3]).scalars)
        #expect(tensors["net.scalar"]?.shape == [1] && tensors["net.scalar"]?.scalars == [2.5])
        #expect(tensors["net.empty"]?.shape == [0])
        #expect(tensors["net.rgb.bias"]?.shape == [1, 3, 1, 1] && tensors["net.rgb.bias"]?.scalars == [-1, -0.5, 0])
        #expect(tensors["avg"]?.scalars == Self.ramp([5], from: 100).scalars)
        #expect(zip.root["step"]?.int == 12)
        for entry in zip.archive.entries {
            let data = try zip.archive.data(of: entry)
            // Storages start on 64-byte boundaries (as torch aligns them), and every CRC is right.
            #expect(data.range.lowerBound % 64 == 0, "\(entry.name) at \(data.range.lowerBound)")
            let start = data.owner.base.advanced(by: data.range.lowerBound)
            #expect(CRC32.checksum(UnsafeRawBufferPointer(start: start, count: data.count)) == recordedCRC(zip, entry), "\(entry.name)")
        }
        #expect(try zip.archive.data(of: zip.archive.entry(named: "sample/version")!).bytes == Array("3\n".utf8))
        #expect(try zip.archive.data(of: zip.archive.entry(named: "sample/byteorder")!).bytes == Array("little".utf8))
    }

    /// The CRC the local header records for `entry` (at offset 14; the central directory repeats it,
    /// which Python's zipfile checks in the PyTorch script).
    func recordedCRC(_ zip: TorchZipFile, _ entry: ZipArchive.Entry) -> UInt32 {
        UInt32(zip.archive.bytes.unsigned(at: entry.localHeaderOffset + 14, size: 4)!)
    }

    @Test("tensors, state dicts and scalars read back with the stored shapes, aligned and checksummed")
    func roundTrip() throws { try check(zip64: false) }

    @Test("the ZIP64 layout (written past 4 GiB) reads back the same")
    func zip64() throws {
        try check(zip64: true)
        let bytes = try Data(contentsOf: folder.appendingPathComponent("sample.pt"))
        #expect(bytes.range(of: Data([0x50, 0x4b, 0x06, 0x06])) != nil && bytes.range(of: Data([0x50, 0x4b, 0x06, 0x07])) != nil)
    }

    @Test("the archive folder is the file's stem, or 'archive' where the stem is not a plain name")
    func archiveName() {
        #expect(TorchSave.defaultArchiveName(for: URL(fileURLWithPath: "/x/model_1-a.pt")) == "model_1-a")
        #expect(TorchSave.defaultArchiveName(for: URL(fileURLWithPath: "/x/my model.pt")) == "archive")
    }

    @Test("a write into a missing folder fails and leaves nothing behind")
    func failedWrite() {
        let url = folder.appendingPathComponent("missing/sample.pt")
        let error = #expect(throws: ToonIOError.self) { try TorchSave.write(Self.sample, to: url) }
        #expect(error?.writeProblem != nil)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
