import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

@Suite(.computeFromEnvironment) struct TensorBoardEventsTests {
    @Test func crc32cMatchesTheStandardCheckValue() {
        // The CRC-32C check value of "123456789" (RFC 3720, appendix B.4).
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func scalarEventEncodesAsTheProtoSpecifies() {
        var value = ProtobufWriter()
        value.bytes(1, Array("a".utf8))
        value.float(2, 1.5)
        // tag "a" (field 1, length 1), simple_value 1.5 (field 2, fixed32 0x3FC00000 little-endian)
        #expect(value.bytes == [0x0A, 0x01, 0x61, 0x15, 0x00, 0x00, 0xC0, 0x3F])
        var event = ProtobufWriter()
        event.double(1, 2.0)
        event.int(2, 300)
        #expect(event.bytes == [0x09, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x10, 0xAC, 0x02])
    }

    @Test func fileHoldsFramedRecordsWithValidChecksums() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-tb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = TensorBoardEvents(folder: folder)
        #expect(events.url.lastPathComponent.hasPrefix("events.out.tfevents."))
        try events.start(wallTime: 10)
        try events.append(step: 4, wallTime: 11, scalars: [("Loss/G/loss", 0.75), ("Progress/kimg", 4)])
        let bytes = [UInt8](try Data(contentsOf: events.url))
        var offset = 0, records: [[UInt8]] = []
        func u32(_ at: Int) -> UInt32 { bytes[at..<(at + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        while offset < bytes.count {
            let lengthBytes = Array(bytes[offset..<(offset + 8)])
            let length = Int(lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            #expect(u32(offset + 8) == TensorBoardEvents.maskedCRC(lengthBytes))
            let data = Array(bytes[(offset + 12)..<(offset + 12 + length)])
            #expect(u32(offset + 12 + length) == TensorBoardEvents.maskedCRC(data))
            records.append(data)
            offset += 16 + length
        }
        #expect(offset == bytes.count && records.count == 2)
        #expect(String(decoding: records[0].suffix(13), as: UTF8.self) == "brain.Event:2")
        let second = records[1]
        #expect(second.count > 40)
        #expect(String(decoding: second, as: UTF8.self).contains("Loss/G/loss"))
        #expect(second[9...10] == [0x10, 0x04])  // step 4 right after the 9-byte wall time
    }
}
