import CImage

extension ZipArchive {
    /// The uncompressed bytes of `entry`, stored (method 0) or deflated (method 8); an entry that
    /// declares more than `limit` bytes is refused before anything is allocated, and deflate data
    /// must inflate to exactly the declared size.
    public func contents(of entry: Entry, limit: Int) throws(ToonIOError) -> [UInt8] {
        func fail(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.badContainer("zip entry \(entry.name): \(why)"))) }
        guard entry.size <= limit else { throw fail("\(entry.size) bytes is over the limit of \(limit)") }
        switch entry.method {
        case 0:
            return try data(of: entry).bytes
        case 8:
            let p = entry.localHeaderOffset
            guard bytes.unsigned(at: p, size: 4) == 0x0403_4b50,
                  let nameLength = bytes.unsigned(at: p + 26, size: 2), let extraLength = bytes.unsigned(at: p + 28, size: 2) else {
                throw fail("bad local header")
            }
            guard let compressed = bytes.slice(at: p + 30 + Int(nameLength) + Int(extraLength), length: entry.compressedSize) else {
                throw fail("data runs past the end of the file (truncated?)")
            }
            var out = [UInt8](repeating: 0, count: entry.size)
            var message = [CChar](repeating: 0, count: 256)
            let capacity = message.count
            let status = compressed.withUnsafeBytes { input in
                out.withUnsafeMutableBufferPointer { output in
                    message.withUnsafeMutableBufferPointer { text in
                        toon_inflate_raw(input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count,
                                         output.baseAddress, output.count, text.baseAddress, capacity)
                    }
                }
            }
            guard status == TOON_IMAGE_OK else {
                throw fail(message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
            }
            return out
        default:
            throw fail("compression method \(entry.method) is not read (only stored and deflate)")
        }
    }
}
