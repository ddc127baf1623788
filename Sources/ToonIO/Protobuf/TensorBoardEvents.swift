import Foundation

/// TensorBoard's event file (`events.out.tfevents.*`): TFRecords, each a length, the masked CRC-32C of
/// the length, an `Event` protocol buffer and its masked CRC-32C. Only what scalar plots need is
/// written: the version record, then one `Event { wall_time, step, summary { value { tag, simple_value } } }`
/// per `append`. `tensorboard --logdir RUNS` reads the run folders as they are.
package struct TensorBoardEvents {
    package let url: URL

    /// A new event file in `folder` (each start or resume writes its own; TensorBoard merges them).
    package init(folder: URL, now: Date = Date()) {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        url = folder.appendingPathComponent("events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host).\(getpid())")
    }

    /// Creates the file with its version record.
    package func start(wallTime: Double) throws {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.string(3, "brain.Event:2")
        try Data(Self.record(event.bytes)).write(to: url)
    }

    /// Appends one event holding `scalars` at `step`.
    package func append(step: Int, wallTime: Double, scalars: [(tag: String, value: Float)]) throws {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int(2, step)
        event.message(5) { summary in
            for (tag, value) in scalars {
                summary.message(1) { v in
                    v.string(1, tag)
                    v.float(2, value)
                }
            }
        }
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
