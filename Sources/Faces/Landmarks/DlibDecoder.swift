import Foundation

/// dlib's binary serialization (dlib/serialize.h, float_details.h, matrix.h), read from bytes in
/// memory. Every read checks the bytes left and every count is checked against them before anything
/// is allocated, so a truncated or hostile file is an error at its offset, never a crash or a huge
/// allocation.
struct DlibDecoder {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    /// What the file should hold, which names the problem in errors.
    let contents: Contents
    var offset = 0

    /// The kinds of dlib file ToonKit reads.
    enum Contents { case shapePredictor, detectorNetwork }

    /// The fewest bytes any serialized integer takes: a control byte and one value byte.
    static let integerBytes = 2
    /// The fewest bytes a float takes: its mantissa and its exponent, each an integer.
    static let floatBytes = 2 * integerBytes

    init(_ bytes: UnsafeBufferPointer<UInt8>, file: String, contents: Contents = .shapePredictor) {
        self.bytes = bytes
        self.file = file
        self.contents = contents
    }

    var remaining: Int { bytes.count - offset }

    func error(_ reason: String, at position: Int? = nil) -> FacesError {
        switch contents {
        case .shapePredictor: FacesError(file: file, .badShapePredictor(offset: position ?? offset, reason))
        case .detectorNetwork: FacesError(file: file, .badDetectorNetwork(offset: position ?? offset, reason))
        }
    }

    /// The control byte and value bytes of an integer: the low 4 bits count the little-endian value
    /// bytes that follow (1...8; 0 is an error in dlib too), bit 7 is the sign; bits 4-6 are ignored,
    /// as dlib ignores them.
    private mutating func magnitude(_ what: String, limit: Int) throws(FacesError) -> (value: UInt64, negative: Bool) {
        let start = offset
        guard offset < bytes.count else { throw error("the file ends where \(what) should start") }
        let control = bytes[offset]
        let size = Int(control & 0x0F)
        guard size >= 1 && size <= limit else {
            throw error("\(what): control byte 0x\(String(control, radix: 16)) gives \(size) bytes (1 to \(limit) allowed)", at: start)
        }
        guard remaining > size else { throw error("the file ends inside \(what)", at: start) }
        var value: UInt64 = 0
        for i in stride(from: size, through: 1, by: -1) { value = value << 8 | UInt64(bytes[offset + i]) }
        offset += size + 1
        return (value, control & 0x80 != 0)
    }

    /// A signed integer of `bytes` bytes (dlib's `int` is 4, `long` and `int64` 8, `int16` 2).
    mutating func signed(_ what: String, bytes width: Int) throws(FacesError) -> Int64 {
        let start = offset
        let (value, negative) = try magnitude(what, limit: width)
        // dlib reads the magnitude into the signed type, then negates it; values past the type's
        // range are wrapped there, so they are refused here.
        let bound = width == 8 ? UInt64(Int64.max) : (UInt64(1) << (width * 8 - 1)) - 1
        guard value <= bound else { throw error("\(what): \(negative ? "-" : "")\(value) is out of range", at: start) }
        return negative ? -Int64(value) : Int64(value)
    }

    /// An unsigned integer (dlib's `unsigned long`, 8 bytes): a set sign bit is an error, as in dlib.
    mutating func unsigned(_ what: String) throws(FacesError) -> UInt64 {
        let start = offset
        let (value, negative) = try magnitude(what, limit: 8)
        if negative { throw error("\(what): an unsigned integer with the sign bit set", at: start) }
        return value
    }

    /// A float as dlib writes it: `float_details`, a 64-bit mantissa then a 16-bit exponent, the value
    /// `ldexp(float(mantissa), exponent)`; exponents 32000, 32001 and 32002 stand for +inf, -inf and
    /// NaN. A model has no use for those, so they are refused. (dlib also reads an older text format,
    /// whose first byte has one of bits 4-6 set; no shape predictor was ever written in it.)
    mutating func float(_ what: String) throws(FacesError) -> Float {
        if let value = quickFloat() { return value }
        let start = offset
        if offset < bytes.count && bytes[offset] & 0x70 != 0 {
            throw error("\(what): dlib's old text float format is not read", at: start)
        }
        let mantissa = try signed(what, bytes: 8)
        let exponent = try signed(what, bytes: 2)
        if exponent >= 32000 { throw error("\(what): not finite", at: start) }
        // Float(Int64) rounds to nearest even, as dlib's (float)mantissa does.
        let result = ldexpf(Float(mantissa), Int32(exponent))
        guard result.isFinite else { throw error("\(what): \(mantissa) * 2^\(exponent) overflows a float", at: start) }
        return result
    }

    /// The usual float in one pass: mantissa of 1 to 7 bytes, exponent of 1 or 2, finite, wholly
    /// present. Anything else is nil with the offset unmoved, and `float` reads it step by step and
    /// names what is wrong. (The model holds 16 million floats; this reads it several times faster
    /// in a debug build.)
    private mutating func quickFloat() -> Float? {
        var i = offset
        guard i + Self.floatBytes <= bytes.count, let base = bytes.baseAddress else { return nil }
        let control = base[i], size = Int(control & 0x0F)
        guard control & 0x70 == 0, size >= 1, size <= 7, i + size + 3 <= bytes.count else { return nil }
        var mantissa: Int64 = 0
        for k in stride(from: size, through: 1, by: -1) { mantissa = mantissa << 8 | Int64(base[i + k]) }
        i += size + 1
        let exponentControl = base[i], exponentSize = Int(exponentControl & 0x0F)
        guard exponentSize == 1 || exponentSize == 2, i + exponentSize < bytes.count else { return nil }
        var exponent = Int(base[i + 1])
        if exponentSize == 2 { exponent |= Int(base[i + 2]) << 8 }
        guard exponent <= Int(Int16.max) else { return nil }
        if exponentControl & 0x80 != 0 { exponent = -exponent }
        guard exponent < 32000 else { return nil }
        if control & 0x80 != 0 { mantissa = -mantissa }
        let value = ldexpf(Float(mantissa), Int32(exponent))
        guard value.isFinite else { return nil }
        offset = i + exponentSize + 1
        return value
    }

    /// A `std::vector`'s or matrix's element count, checked against the bytes left, given the fewest
    /// bytes one element takes.
    mutating func count(_ what: String, minimumBytesEach: Int) throws(FacesError) -> Int {
        let start = offset
        let n = try unsigned("the length of \(what)")
        guard n <= UInt64(remaining / minimumBytesEach) else {
            throw error("\(what) claims \(n) elements, more than the \(remaining) bytes left can hold", at: start)
        }
        return Int(n)
    }

    /// A `matrix<float,0,1>`: rows and columns as `long` (negative in dlib's newer format), one
    /// column, then the values row by row.
    mutating func floatColumn(_ what: String) throws(FacesError) -> [Float] {
        let start = offset
        let rows = try signed("the rows of \(what)", bytes: 8).magnitude
        let columns = try signed("the columns of \(what)", bytes: 8).magnitude
        guard columns == 1 || rows == 0 && columns == 0 else {
            throw error("\(what) has \(columns) columns, not 1", at: start)
        }
        guard rows <= UInt64(remaining / Self.floatBytes) else {
            throw error("\(what) claims \(rows) rows, more than the \(remaining) bytes left can hold", at: start)
        }
        var values = [Float](repeating: 0, count: Int(rows))
        for i in values.indices { values[i] = try float(what) }
        return values
    }
}
