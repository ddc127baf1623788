import Foundation

/// TensorBoard's event file (`events.out.tfevents.*`): TFRecords, each a length, the masked CRC-32C of
/// the length, an `Event` protocol buffer and its masked CRC-32C. Only what scalar plots need is
/// written: the version record, then one `Event { wall_time, step, summary { value { tag, simple_value } } }`
/// per tick. `tensorboard --logdir RUNS` reads the run folders as they are.
struct TensorBoardEvents {
    let url: URL

    /// A new event file in `folder` (each start or resume writes its own; TensorBoard merges them).
    init(folder: URL, now: Date = Date()) {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        url = folder.appendingPathComponent("events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host).\(getpid())")
    }

    /// Creates the file with its version record.
    func start(wallTime: Double) throws {
        var event = Protobuf()
        event.double(1, wallTime)
        event.bytes(3, Array("brain.Event:2".utf8))
        try Data(Self.record(event.bytes)).write(to: url)
    }

    /// Appends one event holding `scalars` at `step`.
    func append(step: Int, wallTime: Double, scalars: [(tag: String, value: Float)]) throws {
        var summary = Protobuf()
        for (tag, value) in scalars {
            var v = Protobuf()
            v.bytes(1, Array(tag.utf8))
            v.float(2, value)
            summary.bytes(1, v.bytes)
        }
        var event = Protobuf()
        event.double(1, wallTime)
        event.varint(2, UInt64(step))
        event.bytes(5, summary.bytes)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(Self.record(event.bytes)))
    }

    static func record(_ data: [UInt8]) -> [UInt8] {
        var length = [UInt8]()
        withUnsafeBytes(of: UInt64(data.count).littleEndian) { length.append(contentsOf: $0) }
        var out = length
        withUnsafeBytes(of: maskedCRC(length).littleEndian) { out.append(contentsOf: $0) }
        out += data
        withUnsafeBytes(of: maskedCRC(data).littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    /// TFRecord's masked CRC: rotate right by 15, add a constant (so CRCs of CRCs stay strong).
    static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        let crc = CRC32C.checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord uses.
enum CRC32C {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// The few protocol-buffer encodings an event needs.
struct Protobuf {
    private(set) var bytes: [UInt8] = []

    mutating func key(_ field: Int, _ wireType: UInt64) { appendVarint(UInt64(field) << 3 | wireType) }

    mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    mutating func varint(_ field: Int, _ value: UInt64) { key(field, 0); appendVarint(value) }

    mutating func double(_ field: Int, _ value: Double) {
        key(field, 1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        appendVarint(UInt64(value.count))
        bytes += value
    }
}
