import Foundation

// The pieces of dlib's serialization that its DNN files add to the shape predictor's: strings,
// bools, raw bytes and tensors (dlib/serialize.h, dlib/cuda/tensor.h).
extension DlibDecoder {
    /// A `std::string`: its length as an integer, then its bytes.
    mutating func string(_ what: String) throws(FacesError) -> String {
        let length = try count(what, minimumBytesEach: 1)
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
        offset += length
        return text
    }

    /// A `bool`: dlib writes the character '1' or '0'.
    mutating func bool(_ what: String) throws(FacesError) -> Bool {
        let value = try byte(what)
        guard value == UInt8(ascii: "0") || value == UInt8(ascii: "1") else {
            throw error("\(what): byte 0x\(String(value, radix: 16)) is not a bool ('0' or '1')", at: offset - 1)
        }
        return value == UInt8(ascii: "1")
    }

    /// An `unsigned char`, which dlib writes as the byte itself.
    mutating func byte(_ what: String) throws(FacesError) -> UInt8 {
        guard offset < bytes.count else { throw error("the file ends where \(what) should be") }
        offset += 1
        return bytes[offset - 1]
    }

    /// A `double` in dlib's float format (a 64-bit mantissa and 16-bit exponent), kept in double
    /// precision; thresholds such as 0.3 are compared as dlib compares them.
    mutating func double(_ what: String) throws(FacesError) -> Double {
        let start = offset
        let mantissa = try signed(what, bytes: 8)
        let exponent = try signed(what, bytes: 2)
        let value = exponent >= 32000 ? Double.nan : Foundation.scalbn(Double(mantissa), Int(exponent))
        guard value.isFinite else { throw error("\(what): not a finite number", at: start) }
        return value
    }

    /// A string that must be one of `expected`: a layer's or loss's version tag.
    mutating func tag(_ what: String, oneOf expected: [String]) throws(FacesError) -> String {
        let start = offset
        let text = try string(what)
        guard expected.contains(text) else {
            throw error("\(what) is \(FacesError.quoted(Substring(text))), not \(expected.joined(separator: " or "))", at: start)
        }
        return text
    }

    /// The four dimensions (samples, channels, rows, columns) of a tensor or alias tensor, after
    /// its version number, which must be `version`.
    private mutating func dimensions(_ what: String, version: Int64) throws(FacesError) -> [Int] {
        let start = offset
        let found = try signed("the version of \(what)", bytes: 4)
        guard found == version else { throw error("\(what): version \(found), not \(version)", at: start) }
        var shape: [Int] = []
        for name in ["samples", "channels", "rows", "columns"] {
            let at = offset
            let n = try signed("the \(name) of \(what)", bytes: 8)
            guard n >= 0 && n <= Int64(Int32.max) else { throw error("\(what): \(n) \(name)", at: at) }
            shape.append(Int(n))
        }
        return shape
    }

    /// A `resizable_tensor`: version 2, its dimensions, then its floats as 4-byte little-endian
    /// IEEE values (not dlib's usual float format).
    mutating func tensor(_ what: String) throws(FacesError) -> (shape: [Int], values: [Float]) {
        let start = offset
        let shape = try dimensions(what, version: 2)
        let (count, overflow) = shape.reduce((1, false)) { partial, n in
            let product = partial.0.multipliedReportingOverflow(by: n)
            return (product.partialValue, partial.1 || product.overflow)
        }
        guard !overflow && count <= remaining / 4 else {
            throw error("\(what) claims \(shape) floats, more than the \(remaining) bytes left can hold", at: start)
        }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[offset..<offset + 4 * count]))
        }
        for i in values.indices { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
        offset += 4 * count
        guard values.allSatisfy(\.isFinite) else { throw error("\(what) holds a value that is not finite", at: start) }
        return (shape, values)
    }

    /// An `alias_tensor`: version 1 and the dimensions of a view into a layer's parameters.
    mutating func aliasTensor(_ what: String) throws(FacesError) -> [Int] {
        try dimensions(what, version: 1)
    }
}
