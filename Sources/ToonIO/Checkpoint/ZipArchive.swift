/// The central directory of a zip file, read directly (torch.save writes stored, uncompressed
/// entries, so reading them needs no decompressor). ZIP64 records are followed when present.
public struct ZipArchive: Sendable {
    public struct Entry: Sendable {
        public let name: String
        /// 0 = stored; anything else is compressed and not read here.
        public let method: UInt16
        public let compressedSize: Int
        public let size: Int
        /// Offset of the entry's local header in the archive.
        public let localHeaderOffset: Int
    }

    public let bytes: ByteSlice
    public let source: String
    public let entries: [Entry]
    private let index: [String: Int]

    private static let endSignature: UInt64 = 0x0605_4b50
    private static let zip64LocatorSignature: UInt64 = 0x0706_4b50
    private static let zip64EndSignature: UInt64 = 0x0606_4b50
    private static let centralSignature: UInt64 = 0x0201_4b50
    private static let localSignature: UInt64 = 0x0403_4b50

    /// True when `bytes` starts like a zip file.
    public static func looksLikeZip(_ bytes: ByteSlice) -> Bool {
        bytes.unsigned(at: 0, size: 4) == localSignature || bytes.unsigned(at: 0, size: 4) == endSignature
    }

    public init(_ bytes: ByteSlice, source: String) throws(ToonIOError) {
        func fail(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.badContainer("zip: \(why)"))) }
        self.bytes = bytes
        self.source = source

        // The end record is the last thing in the file, followed only by a comment of up to 64 KiB.
        var end = -1
        var at = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xffff)
        while at >= lowest {
            // Check the first byte before decoding four: this scan may cover 64 KiB.
            if bytes[at] == 0x50, bytes.unsigned(at: at, size: 4) == Self.endSignature,
               let commentLength = bytes.unsigned(at: at + 20, size: 2), at + 22 + Int(commentLength) <= bytes.count {
                end = at
                break
            }
            at -= 1
        }
        guard end >= 0 else { throw fail("no end of central directory (truncated?)") }
        var entryCount = Int(bytes.unsigned(at: end + 10, size: 2)!)
        var directorySize = Int(bytes.unsigned(at: end + 12, size: 4)!)
        var directoryOffset = Int(bytes.unsigned(at: end + 16, size: 4)!)
        if entryCount == 0xffff || directorySize == 0xffff_ffff || directoryOffset == 0xffff_ffff {
            guard end >= 20, bytes.unsigned(at: end - 20, size: 4) == Self.zip64LocatorSignature,
                  let recordOffset = bytes.unsigned(at: end - 20 + 8, size: 8), recordOffset < UInt64(bytes.count),
                  bytes.unsigned(at: Int(recordOffset), size: 4) == Self.zip64EndSignature,
                  let n = bytes.unsigned(at: Int(recordOffset) + 32, size: 8),
                  let size = bytes.unsigned(at: Int(recordOffset) + 40, size: 8),
                  let offset = bytes.unsigned(at: Int(recordOffset) + 48, size: 8),
                  n <= UInt64(bytes.count), size <= UInt64(bytes.count), offset <= UInt64(bytes.count) else {
                throw fail("bad ZIP64 end of central directory")
            }
            entryCount = Int(n)
            directorySize = Int(size)
            directoryOffset = Int(offset)
        }
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset,
              entryCount <= directorySize / 46 else {
            throw fail("central directory outside the file (truncated?)")
        }

        var entries: [Entry] = []
        var index: [String: Int] = [:]
        entries.reserveCapacity(entryCount)
        var p = directoryOffset
        for _ in 0..<entryCount {
            guard bytes.unsigned(at: p, size: 4) == Self.centralSignature, p + 46 <= bytes.count else {
                throw fail("bad central directory entry at byte \(p)")
            }
            let flags = bytes.unsigned(at: p + 8, size: 2)!
            let method = UInt16(bytes.unsigned(at: p + 10, size: 2)!)
            var compressed = bytes.unsigned(at: p + 20, size: 4)!
            var size = bytes.unsigned(at: p + 24, size: 4)!
            let nameLength = Int(bytes.unsigned(at: p + 28, size: 2)!)
            let extraLength = Int(bytes.unsigned(at: p + 30, size: 2)!)
            let commentLength = Int(bytes.unsigned(at: p + 32, size: 2)!)
            var local = bytes.unsigned(at: p + 42, size: 4)!
            guard let nameBytes = bytes.slice(at: p + 46, length: nameLength),
                  let extra = bytes.slice(at: p + 46 + nameLength, length: extraLength),
                  bytes.slice(at: p + 46 + nameLength + extraLength, length: commentLength) != nil else {
                throw fail("central directory entry at byte \(p) runs past the end")
            }
            guard flags & 1 == 0 else { throw fail("encrypted entries are not read") }
            // ZIP64 extra field: 64-bit values for exactly those fields saturated above, in order.
            var e = 0
            while e + 4 <= extra.count {
                let id = extra.unsigned(at: e, size: 2)!
                let length = Int(extra.unsigned(at: e + 2, size: 2)!)
                guard e + 4 + length <= extra.count else { break }
                if id == 1 {
                    var q = e + 4
                    for field in [0, 1, 2] {
                        let saturated = field == 0 ? size == 0xffff_ffff : field == 1 ? compressed == 0xffff_ffff : local == 0xffff_ffff
                        guard saturated else { continue }
                        guard let v = extra.unsigned(at: q, size: 8), q + 8 <= e + 4 + length else { throw fail("short ZIP64 extra field") }
                        if field == 0 { size = v } else if field == 1 { compressed = v } else { local = v }
                        q += 8
                    }
                }
                e += 4 + length
            }
            // A compressed entry may unpack to more than the file holds; only its stored bytes must
            // lie inside. Its reader bounds what it inflates (or names a compression it cannot read).
            guard compressed <= UInt64(bytes.count), local < UInt64(bytes.count), size <= UInt64(Int.max),
                  method != 0 || size <= UInt64(bytes.count) else {
                throw fail("entry sizes outside the file")
            }
            let name = String(decoding: nameBytes.bytes, as: UTF8.self)
            index[name] = entries.count
            entries.append(Entry(name: name, method: method, compressedSize: Int(compressed), size: Int(size), localHeaderOffset: Int(local)))
            p += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
        self.index = index
    }

    public func entry(named name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The stored bytes of `entry`, pointing into the archive (no copy).
    public func data(of entry: Entry) throws(ToonIOError) -> ByteSlice {
        func fail(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.badContainer("zip entry \(entry.name): \(why)"))) }
        guard entry.method == 0 else {
            let name = entry.method == 8 ? "deflate" : entry.method == 12 ? "bzip2" : entry.method == 14 ? "LZMA" : entry.method == 93 ? "zstd" : "method \(entry.method)"
            throw fail("compressed with \(name); ToonKit reads only stored (uncompressed) entries, as torch.save writes them")
        }
        let p = entry.localHeaderOffset
        guard bytes.unsigned(at: p, size: 4) == Self.localSignature,
              let nameLength = bytes.unsigned(at: p + 26, size: 2), let extraLength = bytes.unsigned(at: p + 28, size: 2) else {
            throw fail("bad local header")
        }
        guard let data = bytes.slice(at: p + 30 + Int(nameLength) + Int(extraLength), length: entry.size) else {
            throw fail("data runs past the end of the file (truncated?)")
        }
        return data
    }
}
