import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A check that an MP4 is complete, from the headers of its top-level boxes alone.
///
/// ffmpeg can exit with status 0 after "Error writing trailer: No space left on device", leaving a
/// file without its moov box (the index, written last), which no player opens. A complete file is
/// a chain of boxes that starts with ftyp, holds moov and mdat, and whose sizes add up to exactly
/// the file's size; a cut-off write breaks one of those.
enum MP4Boxes {
    /// Why the file at `path` is not a complete MP4, or nil when it is.
    static func problem(at path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "cannot read the written file (\(SystemErrorText.lastError()))" }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return "cannot read the written file (\(SystemErrorText.lastError()))" }
        return problem(size: UInt64(info.st_size)) { offset, count in
            var bytes = [UInt8](repeating: 0, count: count)
            let got = pread(descriptor, &bytes, count, off_t(offset))
            return got == count ? bytes : nil
        }
    }

    /// The same check over any byte source: `read(offset, count)` returns exactly `count` bytes or nil.
    static func problem(size: UInt64, read: (UInt64, Int) -> [UInt8]?) -> String? {
        var offset: UInt64 = 0
        var types: [String] = []
        while offset < size {
            let left = size - offset
            guard left >= 8, let header = read(offset, 8) else { return "\(left) stray bytes after the last box" }
            let type = String(decoding: header[4..<8].map { (32...126).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            var length = header[0..<4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            var headerLength: UInt64 = 8
            if length == 1 {
                // A 64-bit size follows the type.
                guard left >= 16, let large = read(offset + 8, 8) else { return "box '\(type)' at \(offset) is cut off" }
                length = large.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                headerLength = 16
            } else if length == 0 {
                length = left  // the last box runs to the end of the file
            }
            guard length >= headerLength, length <= left else {
                return "box '\(type)' at \(offset) claims \(length) bytes but \(left) are left: the file is cut off"
            }
            types.append(type)
            offset += length
        }
        guard types.first == "ftyp" else { return "the file does not start with an ftyp box" }
        guard types.contains("moov") else { return "no moov box (the index ffmpeg writes last): the file is incomplete" }
        guard types.contains("mdat") else { return "no mdat box: the file holds no video data" }
        return nil
    }
}
