import Foundation

/// The parsed and validated JSON header of a safetensors file.
/// Format: 8-byte little-endian header length N, N bytes of JSON, then the data section.
struct SafeTensorsHeader {
    /// The reference implementation's cap; a larger header is hostile or broken.
    static let maximumHeaderLength = 100_000_000

    var entries: [SafeTensorsFile.Entry]
    var metadata: [String: String]
    /// Byte offset of the data section in the file.
    var dataStart: Int

    /// Element types by their safetensors name, with the byte size of one element; nil where the
    /// size is known but ToonKit does not convert the type.
    static let dtypes: [String: (size: Int, scalar: StoredScalar?)] = [
        "F32": (4, .float32), "F16": (2, .float16), "BF16": (2, .bfloat16), "F64": (8, .float64),
        "I8": (1, .int8), "I16": (2, .int16), "I32": (4, .int32), "I64": (8, .int64),
        "U8": (1, .uint8), "U16": (2, .uint16), "U32": (4, .uint32), "U64": (8, .uint64), "BOOL": (1, .bool),
        "F8_E4M3": (1, nil), "F8_E5M2": (1, nil), "F8_E8M0": (1, nil), "C64": (8, nil),
    ]

    /// Parses and checks the header of the complete file `bytes`: lengths, JSON, dtypes, shapes and
    /// offsets that tile the data section exactly (no gaps, no overlaps, nothing left over).
    static func parse(_ bytes: UnsafeRawBufferPointer, url: URL) throws(ToonIOError) -> SafeTensorsHeader {
        func fail(_ problem: ToonIOError.TensorFileProblem) -> ToonIOError { ToonIOError(url: url, .tensorFile(problem)) }
        guard bytes.count >= 8 else {
            throw fail(.truncated("file has \(bytes.count) bytes, a safetensors file starts with an 8-byte header length"))
        }
        var declared: UInt64 = 0
        for i in 0..<8 { declared |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard declared <= UInt64(maximumHeaderLength) else {
            throw fail(.badHeader("header length \(declared) exceeds the \(maximumHeaderLength)-byte limit (not a safetensors file?)"))
        }
        let headerLength = Int(declared)
        guard 8 + headerLength <= bytes.count else {
            throw fail(.truncated("header of \(headerLength) bytes runs past the end of the \(bytes.count)-byte file"))
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)])
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw fail(.badMagic("header does not start with '{' (not a safetensors file?)"))
        }
        let json: JSON
        switch JSON.parse(headerBytes) {
        case .success(let value): json = value
        case .failure(let error): throw fail(.badHeader("JSON: \(error)"))
        }
        guard case .object(let members) = json else { throw fail(.badHeader("JSON header is not an object")) }

        var header = SafeTensorsHeader(entries: [], metadata: [:], dataStart: 8 + headerLength)
        var seen = Set<String>()
        for (name, value) in members {
            guard seen.insert(name).inserted else { throw fail(.badHeader("\(ToonIOError.quoted(name)) appears twice")) }
            if name == "__metadata__" {
                header.metadata = try metadata(value, fail: fail)
            } else {
                header.entries.append(try entry(name, value, fail: fail))
            }
        }
        // Data order is file order; the reference writer also lists tensors in this order.
        header.entries.sort { ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound) }
        let dataLength = bytes.count - header.dataStart
        var position = 0
        for entry in header.entries {
            let range = entry.byteRange
            guard range.lowerBound <= position else {
                throw fail(.badHeader("bytes \(position)..<\(range.lowerBound) of the data section belong to no tensor (before \(ToonIOError.quoted(entry.name)))"))
            }
            guard range.lowerBound == position else {
                throw fail(.badHeader("\(ToonIOError.quoted(entry.name)) at \(range.lowerBound)..<\(range.upperBound) overlaps the tensor before it"))
            }
            guard range.upperBound <= dataLength else {
                throw fail(.truncated("\(ToonIOError.quoted(entry.name)) ends at data byte \(range.upperBound), the data section has \(dataLength)"))
            }
            position = range.upperBound
        }
        guard position == dataLength else {
            throw fail(.sizeMismatch("tensors cover \(position) data bytes, the data section has \(dataLength)"))
        }
        return header
    }

    private static func metadata(_ value: JSON, fail: (ToonIOError.TensorFileProblem) -> ToonIOError) throws(ToonIOError) -> [String: String] {
        if value == .null { return [:] }
        guard case .object(let pairs) = value else { throw fail(.badHeader("__metadata__ is not an object")) }
        var result: [String: String] = [:]
        for (key, item) in pairs {
            guard case .string(let text) = item else {
                throw fail(.badHeader("__metadata__ value for \(ToonIOError.quoted(key)) is not a string"))
            }
            guard result.updateValue(text, forKey: key) == nil else {
                throw fail(.badHeader("__metadata__ key \(ToonIOError.quoted(key)) appears twice"))
            }
        }
        return result
    }

    private static func entry(_ name: String, _ value: JSON, fail: (ToonIOError.TensorFileProblem) -> ToonIOError) throws(ToonIOError) -> SafeTensorsFile.Entry {
        let label = ToonIOError.quoted(name)
        guard case .object(let fields) = value else { throw fail(.badHeader("\(label) is not an object")) }
        func field(_ key: String) throws(ToonIOError) -> JSON {
            guard let match = fields.first(where: { $0.key == key }) else { throw fail(.badHeader("\(label) has no \(key)")) }
            return match.value
        }
        guard case .string(let dtype) = try field("dtype") else { throw fail(.badHeader("\(label) dtype is not a string")) }
        guard let info = dtypes[dtype] else {
            throw fail(.unsupportedDType("\(label) has dtype \(ToonIOError.quoted(dtype)), which is not a safetensors dtype"))
        }
        guard case .array(let dimensions) = try field("shape") else { throw fail(.badHeader("\(label) shape is not an array")) }
        var shape: [Int] = []
        var count = 1
        for dimension in dimensions {
            guard let size = dimension.nonNegativeInt else {
                throw fail(.badHeader("\(label) shape holds something other than a non-negative integer"))
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail(.badHeader("\(label) element count overflows")) }
            count = product
            shape.append(size)
        }
        guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt, begin <= end
        else { throw fail(.badHeader("\(label) data_offsets is not [begin, end] with 0 <= begin <= end")) }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: info.size)
        guard !overflow, bytes == end - begin else {
            throw fail(.sizeMismatch("\(label) shape \(shape) of \(dtype) needs \(overflow ? "too many" : String(bytes)) bytes, data_offsets give \(end - begin)"))
        }
        return SafeTensorsFile.Entry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }
}
