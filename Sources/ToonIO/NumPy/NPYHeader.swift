import Foundation

/// The header of a .npy file: element type, memory order and shape.
/// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
public struct NPYHeader: Equatable, Sendable {
    /// The dtype string, for example `<f4`.
    public let descr: String
    public let fortranOrder: Bool
    public let shape: [Int]
    /// Byte offset of the first data byte.
    public let dataOffset: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Reads the header from the start of `bytes`; `url` only names the file in errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer, url: URL) throws(ToonIOError) -> NPYHeader {
        func fail(_ problem: ToonIOError.TensorFileProblem) -> ToonIOError { ToonIOError(url: url, .tensorFile(problem)) }
        guard bytes.count >= 8 else {
            if !zip(bytes, magic).allSatisfy({ $0 == $1 }) { throw fail(.badMagic("not a .npy file")) }
            throw fail(.truncated("file has \(bytes.count) bytes, a .npy preamble needs at least 10"))
        }
        guard Array(bytes[0..<6]) == magic else { throw fail(.badMagic("not a .npy file")) }
        let major = bytes[6], minor = bytes[7]
        let lengthBytes: Int
        switch (major, minor) {
        case (1, 0): lengthBytes = 2
        case (2, 0), (3, 0): lengthBytes = 4
        default: throw fail(.badHeader("format version \(major).\(minor) is not 1.0, 2.0 or 3.0"))
        }
        guard bytes.count >= 8 + lengthBytes else {
            throw fail(.truncated("file has \(bytes.count) bytes, ends inside the header length"))
        }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let headerStart = 8 + lengthBytes
        guard bytes.count >= headerStart + headerLength else {
            throw fail(.truncated("header of \(headerLength) bytes runs past the end of the \(bytes.count)-byte file"))
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<(headerStart + headerLength)])
        // Versions 1 and 2 are latin-1, version 3 is UTF-8.
        let text = major == 3
            ? JSON.validUTF8(headerBytes)
            : String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        guard let text else { throw fail(.badHeader("version 3 header is not valid UTF-8")) }

        let literal: PythonLiteral
        switch PythonLiteral.parse(text) {
        case .success(let value): literal = value
        case .failure(let error): throw fail(.badHeader("cannot parse the header dict: \(error)"))
        }
        guard case .dict(let entries) = literal else { throw fail(.badHeader("header is not a dict")) }
        func entry(_ key: String) throws(ToonIOError) -> PythonLiteral {
            guard let match = entries.first(where: { $0.key == .string(key) }) else {
                throw fail(.badHeader("header has no '\(key)'"))
            }
            return match.value
        }
        let descr: String
        switch try entry("descr") {
        case .string(let value): descr = value
        default: throw fail(.unsupportedDType("structured dtypes are not tensors"))
        }
        guard case .bool(let fortranOrder) = try entry("fortran_order") else {
            throw fail(.badHeader("'fortran_order' is not True or False"))
        }
        guard case .sequence(let dimensions) = try entry("shape") else {
            throw fail(.badHeader("'shape' is not a tuple"))
        }
        var shape: [Int] = []
        var count = 1
        for dimension in dimensions {
            guard case .integer(let size) = dimension, size >= 0 else {
                throw fail(.badHeader("'shape' holds something other than a non-negative integer"))
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail(.badHeader("shape \(dimensions.count)-D element count overflows")) }
            count = product
            shape.append(size)
        }
        return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: shape,
                         dataOffset: headerStart + headerLength)
    }

    /// The element type and byte order named by `descr`, or nil when ToonKit does not read it.
    var scalar: (type: StoredScalar, bigEndian: Bool)? {
        let characters = Array(descr)
        guard characters.count >= 3 else { return nil }
        let order = characters[0], kind = characters[1]
        guard let size = Int(String(characters[2...])), ["<", ">", "|", "="].contains(order) else { return nil }
        let type: StoredScalar
        switch (kind, size) {
        case ("f", 2): type = .float16
        case ("f", 4): type = .float32
        case ("f", 8): type = .float64
        case ("i", 1): type = .int8
        case ("i", 2): type = .int16
        case ("i", 4): type = .int32
        case ("i", 8): type = .int64
        case ("u", 1): type = .uint8
        case ("u", 2): type = .uint16
        case ("u", 4): type = .uint32
        case ("u", 8): type = .uint64
        case ("b", 1): type = .bool
        default: return nil
        }
        // "=" is native order; every platform Swift runs ToonKit on is little-endian.
        return (type, order == ">")
    }
}
