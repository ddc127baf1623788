/// Element encodings that tensor files store and ToonKit reads into Float32.
///
/// Conversion to Float32 is exact for every 8/16-bit type; 32/64-bit integers and float64 round to
/// the nearest Float32, as `astype(numpy.float32)` does.
enum StoredScalar: Sendable, Equatable {
    case float16, bfloat16, float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool

    var byteCount: Int {
        switch self {
        case .int8, .uint8, .bool: 1
        case .float16, .bfloat16, .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// Decodes `count` elements from `source` (any alignment; little-endian unless `bigEndian`)
    /// into `out`.
    func decode(_ source: UnsafeRawPointer, count: Int, bigEndian: Bool = false,
                into out: UnsafeMutablePointer<Float>) {
        // Loads go through fixed-width integers, whose byte order is explicit, then reinterpret.
        @inline(__always) func u16(_ i: Int) -> UInt16 {
            let raw = source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
            return bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)
        }
        @inline(__always) func u32(_ i: Int) -> UInt32 {
            let raw = source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
            return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
        }
        @inline(__always) func u64(_ i: Int) -> UInt64 {
            let raw = source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
            return bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
        }
        let bytes = source.assumingMemoryBound(to: UInt8.self)
        switch self {
        case .float16: for i in 0..<count { out[i] = Self.halfToFloat(u16(i)) }
        case .bfloat16: for i in 0..<count { out[i] = Float(bitPattern: UInt32(u16(i)) << 16) }
        case .float32: for i in 0..<count { out[i] = Float(bitPattern: u32(i)) }
        case .float64: for i in 0..<count { out[i] = Float(Double(bitPattern: u64(i))) }
        case .int8: for i in 0..<count { out[i] = Float(Int8(bitPattern: bytes[i])) }
        case .int16: for i in 0..<count { out[i] = Float(Int16(bitPattern: u16(i))) }
        case .int32: for i in 0..<count { out[i] = Float(Int32(bitPattern: u32(i))) }
        case .int64: for i in 0..<count { out[i] = Float(Int64(bitPattern: u64(i))) }
        case .uint8: for i in 0..<count { out[i] = Float(bytes[i]) }
        case .uint16: for i in 0..<count { out[i] = Float(u16(i)) }
        case .uint32: for i in 0..<count { out[i] = Float(u32(i)) }
        case .uint64: for i in 0..<count { out[i] = Float(u64(i)) }
        // numpy treats any nonzero byte as True.
        case .bool: for i in 0..<count { out[i] = bytes[i] == 0 ? 0 : 1 }
        }
    }

    /// IEEE 754 binary16 to binary32, exactly (written out because `Float16` is missing on some
    /// platforms Swift supports).
    static func halfToFloat(_ half: UInt16) -> Float {
        let sign = UInt32(half & 0x8000) << 16
        let exponent = UInt32(half >> 10) & 0x1F
        let mantissa = UInt32(half & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa * 2^-24, exact in Float32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }
}
