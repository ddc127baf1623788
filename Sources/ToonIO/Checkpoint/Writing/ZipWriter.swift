import Foundation

/// Writes a zip of stored (uncompressed) entries front to back through a file handle, laid out as
/// torch.save lays it out: each entry's data starts on an `alignment` boundary, reached by padding
/// the local header's extra field with an "FB" record of 'Z's, so a reader can map storages in place.
/// Sizes and CRCs are known before an entry is written, so no data descriptors are needed. ZIP64
/// records are added where a size, an offset or the entry count does not fit the classic fields.
package struct ZipWriter {
    package struct Options {
        /// Data of every entry starts at a multiple of this (torch: 64).
        var alignment = 64
        /// Writes ZIP64 fields even where the classic ones would do (tests the large-file path on small files).
        var forceZip64 = false

        package init(alignment: Int = 64, forceZip64: Bool = false) {
            self.alignment = alignment
            self.forceZip64 = forceZip64
        }
    }

    private struct Record {
        let name: [UInt8]
        let crc: UInt32
        let size: UInt64
        let localOffset: UInt64
    }

    private static let saturated32: UInt64 = 0xffff_ffff
    private static let utf8Flag: UInt16 = 0x0800
    /// 1980-01-01, the earliest DOS date: entries carry no meaningful time (torch writes none either).
    private static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1

    private let handle: FileHandle
    private let options: Options
    private(set) var offset: UInt64 = 0
    private var records: [Record] = []

    package init(handle: FileHandle, options: Options = Options()) {
        self.handle = handle
        self.options = options
    }

    /// Adds an entry holding `bytes`.
    package mutating func add(_ name: String, bytes: [UInt8]) throws {
        try add(name, size: UInt64(bytes.count), crc: CRC32.checksum(bytes)) { write in
            try bytes.withUnsafeBytes { try write($0) }
        }
    }

    /// Adds an entry of `size` bytes with checksum `crc`; `body` writes exactly those bytes through
    /// the function it is given, in as many pieces as it likes.
    mutating func add(_ name: String, size: UInt64, crc: UInt32,
                      body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let nameBytes = Array(name.utf8)
        precondition(nameBytes.count <= 0xffff, "zip entry name too long")
        let zip64Local = options.forceZip64 || size >= Self.saturated32
        var header: [UInt8] = []
        header.reserveCapacity(30 + nameBytes.count + 24 + options.alignment)
        Self.put(&header, UInt32(0x0403_4b50))
        Self.put(&header, UInt16(zip64Local ? 45 : 20))
        Self.put(&header, Self.utf8Flag)
        Self.put(&header, UInt16(0))  // stored
        Self.put(&header, UInt16(0))  // time
        Self.put(&header, Self.dosDate)
        Self.put(&header, crc)
        Self.put(&header, UInt32(zip64Local ? Self.saturated32 : size))  // compressed size
        Self.put(&header, UInt32(zip64Local ? Self.saturated32 : size))
        Self.put(&header, UInt16(nameBytes.count))
        var extra: [UInt8] = []
        if zip64Local {
            Self.put(&extra, UInt16(1))
            Self.put(&extra, UInt16(16))
            Self.put(&extra, size)
            Self.put(&extra, size)
        }
        let unpadded = offset + 30 + UInt64(nameBytes.count) + UInt64(extra.count) + 4
        let alignment = UInt64(max(options.alignment, 1))
        let padding = (alignment - unpadded % alignment) % alignment
        Self.put(&extra, UInt16(0x4246))  // "FB", as torch writes it
        Self.put(&extra, UInt16(padding))
        extra += [UInt8](repeating: UInt8(ascii: "Z"), count: Int(padding))
        Self.put(&header, UInt16(extra.count))
        header += nameBytes
        header += extra

        let localOffset = offset
        try write(header)
        var written: UInt64 = 0
        try body { chunk in
            try write(chunk)
            written += UInt64(chunk.count)
        }
        precondition(written == size, "zip entry \(name): wrote \(written) bytes, declared \(size)")
        records.append(Record(name: nameBytes, crc: crc, size: size, localOffset: localOffset))
    }

    /// Writes the central directory and end records; the writer must not be used afterwards.
    package mutating func finish() throws {
        let directoryOffset = offset
        var directory: [UInt8] = []
        for r in records {
            let bigSize = options.forceZip64 || r.size >= Self.saturated32
            let bigOffset = options.forceZip64 || r.localOffset >= Self.saturated32
            var extra: [UInt8] = []
            if bigSize || bigOffset {
                Self.put(&extra, UInt16(1))
                Self.put(&extra, UInt16((bigSize ? 16 : 0) + (bigOffset ? 8 : 0)))
                if bigSize {
                    Self.put(&extra, r.size)  // uncompressed
                    Self.put(&extra, r.size)  // compressed
                }
                if bigOffset { Self.put(&extra, r.localOffset) }
            }
            Self.put(&directory, UInt32(0x0201_4b50))
            Self.put(&directory, UInt16(extra.isEmpty ? 20 : 45))  // made by (MS-DOS attributes)
            Self.put(&directory, UInt16(extra.isEmpty ? 20 : 45))  // needed
            Self.put(&directory, Self.utf8Flag)
            Self.put(&directory, UInt16(0))
            Self.put(&directory, UInt16(0))
            Self.put(&directory, Self.dosDate)
            Self.put(&directory, r.crc)
            Self.put(&directory, UInt32(bigSize ? Self.saturated32 : r.size))
            Self.put(&directory, UInt32(bigSize ? Self.saturated32 : r.size))
            Self.put(&directory, UInt16(r.name.count))
            Self.put(&directory, UInt16(extra.count))
            Self.put(&directory, UInt16(0))  // comment
            Self.put(&directory, UInt16(0))  // disk
            Self.put(&directory, UInt16(0))  // internal attributes
            Self.put(&directory, UInt32(0))  // external attributes
            Self.put(&directory, UInt32(bigOffset ? Self.saturated32 : r.localOffset))
            directory += r.name
            directory += extra
        }
        try write(directory)
        let directorySize = UInt64(directory.count)
        let zip64 = options.forceZip64 || records.count >= 0xffff
            || directoryOffset >= Self.saturated32 || directorySize >= Self.saturated32
            || records.contains { $0.size >= Self.saturated32 || $0.localOffset >= Self.saturated32 }
        var end: [UInt8] = []
        if zip64 {
            let recordOffset = offset
            Self.put(&end, UInt32(0x0606_4b50))
            Self.put(&end, UInt64(44))  // size of the rest of this record
            Self.put(&end, UInt16(45))
            Self.put(&end, UInt16(45))
            Self.put(&end, UInt32(0))
            Self.put(&end, UInt32(0))
            Self.put(&end, UInt64(records.count))
            Self.put(&end, UInt64(records.count))
            Self.put(&end, directorySize)
            Self.put(&end, directoryOffset)
            Self.put(&end, UInt32(0x0706_4b50))  // locator
            Self.put(&end, UInt32(0))
            Self.put(&end, recordOffset)
            Self.put(&end, UInt32(1))
        }
        Self.put(&end, UInt32(0x0605_4b50))
        Self.put(&end, UInt16(0))
        Self.put(&end, UInt16(0))
        // With ZIP64 the classic fields are saturated, which tells readers to use the ZIP64 record.
        Self.put(&end, UInt16(zip64 ? 0xffff : records.count))
        Self.put(&end, UInt16(zip64 ? 0xffff : records.count))
        Self.put(&end, UInt32(zip64 ? Self.saturated32 : directorySize))
        Self.put(&end, UInt32(zip64 ? Self.saturated32 : directoryOffset))
        Self.put(&end, UInt16(0))  // comment
        try write(end)
    }

    private mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    private mutating func write(_ chunk: UnsafeRawBufferPointer) throws {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        // The handle only reads the bytes during the call: no copy is needed.
        try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: chunk.count, deallocator: .none))
        offset += UInt64(chunk.count)
    }

    private static func put<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
