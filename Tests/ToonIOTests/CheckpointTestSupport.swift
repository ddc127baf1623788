import Foundation
import Testing
import ToonTestSupport
@testable import ToonIO

/// Where the shared reference fixtures live: `shared/fixtures` beside the repository root.
enum CheckpointFixtures {
    static let available = SharedFixtures.available
    static let skipReason = SharedFixtures.skipReason

    static func url(_ relative: String) -> URL { SharedFixtures.url(relative) }

    /// Fixtures are mapped once per process: the rosinality file is 64 MB.
    nonisolated(unsafe) private static var mapped: [String: FileBytes] = [:]
    private static let lock = NSLock()

    static func bytes(_ relative: String) throws -> FileBytes {
        lock.lock()
        defer { lock.unlock() }
        if let done = mapped[relative] { return done }
        let bytes = try FileBytes.map(url(relative))
        mapped[relative] = bytes
        return bytes
    }

    nonisolated(unsafe) static let reference: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/checkpoint_reference.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()
}

/// Builds pickle programs byte by byte for tests of the machine.
struct PickleBytes {
    var bytes: [UInt8] = []

    init(protocol version: UInt8? = 4) {
        if let version { bytes = [0x80, version] }
    }

    mutating func op(_ code: UInt8, _ extra: [UInt8] = []) { bytes.append(code); bytes += extra }
    mutating func raw(_ extra: [UInt8]) { bytes += extra }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        if utf8.count < 256 { op(0x8c, [UInt8(utf8.count)] + utf8) } else { op(0x58, le32(utf8.count) + utf8) }
    }

    mutating func int(_ i: Int) { op(0x4a, le32(i)) }

    mutating func global(_ module: String, _ name: String) { string(module); string(name); op(0x93) }

    mutating func stop() { op(0x2e) }

    func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    var slice: ByteSlice { FileBytes(name: "test.pkl", copying: bytes).all }

    func run(_ machine: PickleMachine = PickleMachine()) throws(ToonIOError) -> PickleValue {
        try machine.run(slice, source: "test.pkl").value
    }
}

/// Writes zip files with stored entries (and optionally ZIP64 records) for container tests.
enum ZipBuilder {
    /// `unpackedSize` is the size a compressed entry claims to unpack to (its own size by default).
    static func make(_ entries: [(String, [UInt8])], zip64: Bool = false, method: UInt16 = 0, unpackedSize: Int? = nil) -> [UInt8] {
        func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in entries {
            let offset = out.count
            let nameBytes = Array(name.utf8)
            out += le(0x0403_4b50, 4) + le(20, 2) + le(0, 2) + le(UInt64(method), 2) + le(0, 4) + le(0, 4)
            out += le(UInt64(data.count), 4) + le(UInt64(data.count), 4) + le(UInt64(nameBytes.count), 2) + le(0, 2)
            out += nameBytes + data
            let saturated: UInt64 = 0xffff_ffff
            let extra = zip64 ? le(1, 2) + le(24, 2) + le(UInt64(data.count), 8) + le(UInt64(data.count), 8) + le(UInt64(offset), 8) : []
            central += le(0x0201_4b50, 4) + le(45, 2) + le(45, 2) + le(0, 2) + le(UInt64(method), 2) + le(0, 4) + le(0, 4)
            central += le(zip64 ? saturated : UInt64(data.count), 4) + le(zip64 ? saturated : UInt64(unpackedSize ?? data.count), 4)
            central += le(UInt64(nameBytes.count), 2) + le(UInt64(extra.count), 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4)
            central += le(zip64 ? saturated : UInt64(offset), 4) + nameBytes + extra
        }
        let directoryOffset = out.count
        out += central
        if zip64 {
            let record = out.count
            out += le(0x0606_4b50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4)
            out += le(UInt64(entries.count), 8) + le(UInt64(entries.count), 8) + le(UInt64(central.count), 8) + le(UInt64(directoryOffset), 8)
            out += le(0x0706_4b50, 4) + le(0, 4) + le(UInt64(record), 8) + le(1, 4)
            out += le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(0xffff, 2) + le(0xffff, 2) + le(0xffff_ffff, 4) + le(0xffff_ffff, 4) + le(0, 2)
        } else {
            out += le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(UInt64(entries.count), 2) + le(UInt64(entries.count), 2)
            out += le(UInt64(central.count), 4) + le(UInt64(directoryOffset), 4) + le(0, 2)
        }
        return out
    }
}

