/// The variable-code-size LZW compression of GIF image data (GIF89a spec, appendix F).
///
/// Codes start at `minimumCodeSize + 1` bits and widen each time the next free code no longer fits,
/// up to 12 bits. When code 4095 has been assigned the encoder sends a clear code and starts a new
/// table at once, rather than relying on the "deferred clear" some decoders mishandle.
enum GIFLZW {
    static let maximumCodeSize = 12
    static let tableLimit = 1 << maximumCodeSize

    /// Compresses palette indexes (each below `1 << minimumCodeSize`) into a packed bit stream,
    /// least significant bit first, starting with a clear code and ending with end-of-information.
    static func encode(_ indexes: [UInt8], minimumCodeSize: Int) -> [UInt8] {
        precondition((2...8).contains(minimumCodeSize), "LZW minimum code size \(minimumCodeSize)")
        let clearCode = 1 << minimumCodeSize
        let endCode = clearCode + 1
        var bits = BitPacker(reservingCapacity: indexes.count / 2 + 16)
        var table = CodeTable()
        var codeSize = minimumCodeSize + 1
        var nextCode = endCode + 1

        bits.append(clearCode, size: codeSize)
        guard var prefix = indexes.first.map(Int.init) else {
            bits.append(endCode, size: codeSize)
            return bits.finish()
        }
        for symbol in indexes.dropFirst() {
            let key = prefix << 8 | Int(symbol)
            if let code = table.code(for: key) {
                prefix = code
                continue
            }
            bits.append(prefix, size: codeSize)
            table.insert(key, code: nextCode)
            // The decoder widens after it has assigned the code one below a power of two, which it
            // does one step after us; widening here once we have assigned the power of two itself
            // keeps both sides switching before the same code.
            if nextCode == 1 << codeSize && codeSize < maximumCodeSize { codeSize += 1 }
            nextCode += 1
            if nextCode == tableLimit {
                bits.append(clearCode, size: codeSize)
                table.removeAll()
                codeSize = minimumCodeSize + 1
                nextCode = endCode + 1
            }
            prefix = Int(symbol)
        }
        bits.append(prefix, size: codeSize)
        bits.append(endCode, size: codeSize)
        return bits.finish()
    }

    /// Splits a byte stream into GIF data sub-blocks (a length byte, then up to 255 bytes), ending
    /// with the empty block that terminates the sequence.
    static func subBlocks(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(data.count + data.count / 255 + 2)
        var start = 0
        while start < data.count {
            let end = min(start + 255, data.count)
            out.append(UInt8(end - start))
            out.append(contentsOf: data[start..<end])
            start = end
        }
        out.append(0)
        return out
    }
}

/// Packs codes of varying width into bytes, least significant bit first.
private struct BitPacker {
    private var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    init(reservingCapacity capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func append(_ code: Int, size: Int) {
        buffer |= UInt64(code) << UInt64(count)
        count += size
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
        buffer = 0; count = 0
        return bytes
    }
}

/// Open-addressing map from (prefix code, next index) to code. 8192 slots for at most 4096 codes
/// keeps probes short, and clearing it is cheap enough to do every 4096 codes.
private struct CodeTable {
    private static let slotCount = 8192
    private var keys = [Int32](repeating: -1, count: slotCount)
    private var codes = [Int16](repeating: 0, count: slotCount)

    private static func slot(_ key: Int) -> Int {
        Int((UInt32(truncatingIfNeeded: key) &* 2_654_435_761) >> 19)
    }

    func code(for key: Int) -> Int? {
        var s = Self.slot(key)
        while true {
            let k = keys[s]
            if k == Int32(key) { return Int(codes[s]) }
            if k < 0 { return nil }
            s = (s + 1) & (Self.slotCount - 1)
        }
    }

    mutating func insert(_ key: Int, code: Int) {
        var s = Self.slot(key)
        while keys[s] >= 0 { s = (s + 1) & (Self.slotCount - 1) }
        keys[s] = Int32(key)
        codes[s] = Int16(code)
    }

    mutating func removeAll() {
        for i in keys.indices { keys[i] = -1 }
    }
}
