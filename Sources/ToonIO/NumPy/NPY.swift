import Foundation
import ToonCore

/// NumPy's .npy files: read into Float32 tensors (versions 1.0-3.0; float, integer and bool dtypes
/// in either byte order; C order), written from Float32 tensors as version 1.0, byte for byte as
/// `numpy.save` writes them.
public enum NPY {
    /// Reads the array in `url` as a Float32 tensor (a copy: the file may change afterwards).
    public static func read(_ url: URL) throws(ToonIOError) -> Tensor {
        let file = try MappedFile(url: url)
        return try decode(file.bytes, url: url)
    }

    /// Decodes a complete .npy file held in `bytes`; `url` names it in errors.
    public static func decode(_ bytes: UnsafeRawBufferPointer, url: URL) throws(ToonIOError) -> Tensor {
        let header = try NPYHeader.parse(bytes, url: url)
        guard let (type, bigEndian) = header.scalar else {
            throw ToonIOError(url: url, .tensorFile(.unsupportedDType("\(ToonIOError.quoted(header.descr)) (ToonKit reads float, int, uint and bool)")))
        }
        let count = Shape.count(header.shape)
        // More than one dimension above 1 makes Fortran order a different layout from C order.
        guard !header.fortranOrder || header.shape.filter({ $0 > 1 }).count <= 1 else {
            throw ToonIOError(url: url, .tensorFile(.unsupportedLayout("fortran_order is True for shape \(header.shape); save a C-ordered array (numpy.ascontiguousarray)")))
        }
        let available = bytes.count - header.dataOffset
        let (needed, overflow) = count.multipliedReportingOverflow(by: type.byteCount)
        guard !overflow else { throw ToonIOError(url: url, .tensorFile(.badHeader("shape \(header.shape) is too large"))) }
        guard available >= needed else {
            throw ToonIOError(url: url, .tensorFile(.truncated("shape \(header.shape) of \(header.descr) needs \(needed) data bytes, file has \(available)")))
        }
        guard available == needed else {
            throw ToonIOError(url: url, .tensorFile(.sizeMismatch("shape \(header.shape) of \(header.descr) needs \(needed) data bytes, file has \(available)")))
        }
        var tensor = Tensor(uninitializedShape: header.shape)
        if count > 0, let base = bytes.baseAddress {
            tensor.withUnsafeMutableBufferPointer { out in
                type.decode(base + header.dataOffset, count: count, bigEndian: bigEndian, into: out.baseAddress!)
            }
        }
        return tensor
    }

    /// Writes `tensor` to `url` as a version 1.0 `<f4` array, atomically.
    public static func write(_ tensor: Tensor, to url: URL) throws(ToonIOError) {
        let header = encodedHeader(shape: tensor.shape)
        try AtomicFile.write(to: url) { handle in
            try handle.write(contentsOf: header)
            try tensor.withUnsafeBufferPointer { values in
                guard let base = values.baseAddress, !values.isEmpty else { return }
                try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base),
                                                  count: values.count * 4, deallocator: .none))
            }
        }
    }

    /// The preamble and header `numpy.save` writes for a C-ordered float32 array of `shape`.
    static func encodedHeader(shape: [Int]) -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // numpy leaves room for the first axis to grow to 21 digits, so appending can rewrite the
        // header in place; matching it keeps our files byte-identical to numpy's.
        if let first = shape.first { dict += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        // The data starts on a 64-byte boundary: magic (6) + version (2) + length (2 or 4) + header + "\n".
        // Only a shape of absurd rank overflows version 1's 16-bit length; version 2 takes 32 bits.
        func padded(prefix: Int) -> String {
            dict + String(repeating: " ", count: 64 - (prefix + dict.utf8.count + 1) % 64) + "\n"
        }
        var text = padded(prefix: 10)
        var data = Data(NPYHeader.magic)
        if text.utf8.count <= Int(UInt16.max) {
            data.append(contentsOf: [1, 0, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)])
        } else {
            text = padded(prefix: 12)
            let length = UInt32(text.utf8.count)
            data.append(contentsOf: [2, 0] + (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) })
        }
        data.append(contentsOf: Array(text.utf8))
        return data
    }
}
