import Foundation
@testable import ToonIO

/// A minimal GIF reader written independently of the encoder, for round-trip tests: it follows the
/// GIF89a spec's decoder description, not GIFLZW's code.
struct VideoGIFDecoder {
    struct Frame {
        var delay: Int?
        var palette: [UInt8]
        var indexes: [UInt8]
        var image: RGBFrame
        /// Widest code read, and clear codes seen (the first one included).
        var maximumCodeSize: Int
        var clearCodes: Int
    }

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    var width = 0
    var height = 0
    var loop: Int?
    var frames: [Frame] = []
    var sawTrailer = false

    init(_ data: [UInt8]) throws {
        var at = 0
        func byte() throws -> Int {
            guard at < data.count else { throw DecodeError(description: "truncated at \(at)") }
            defer { at += 1 }
            return Int(data[at])
        }
        func le16() throws -> Int { try byte() | (try byte() << 8) }
        func bytes(_ n: Int) throws -> [UInt8] {
            guard at + n <= data.count else { throw DecodeError(description: "truncated at \(at)") }
            defer { at += n }
            return Array(data[at..<at + n])
        }
        func subBlocks() throws -> [UInt8] {
            var out: [UInt8] = []
            while true {
                let n = try byte()
                if n == 0 { return out }
                out += try bytes(n)
            }
        }

        guard try bytes(6) == Array("GIF89a".utf8) else { throw DecodeError(description: "not GIF89a") }
        width = try le16(); height = try le16()
        let screenFlags = try byte()
        _ = try bytes(2)
        var globalTable: [UInt8] = []
        if screenFlags & 0x80 != 0 { globalTable = try bytes(3 << ((screenFlags & 7) + 1)) }
        var pendingDelay: Int?
        while at < data.count {
            switch try byte() {
            case 0x21:
                let label = try byte()
                let body = try subBlocks()
                if label == 0xF9, body.count == 4 { pendingDelay = Int(body[1]) | Int(body[2]) << 8 }
                if label == 0xFF, body.count == 14, Array(body[0..<11]) == Array("NETSCAPE2.0".utf8) {
                    loop = Int(body[12]) | Int(body[13]) << 8
                }
            case 0x2C:
                let left = try le16(), top = try le16(), w = try le16(), h = try le16()
                guard left == 0, top == 0, w == width, h == height else {
                    throw DecodeError(description: "only full-screen frames are supported")
                }
                let flags = try byte()
                let palette = flags & 0x80 != 0 ? try bytes(3 << ((flags & 7) + 1)) : globalTable
                let minimumCodeSize = try byte()
                let (indexes, widest, clears) = try Self.decompress(try subBlocks(), minimumCodeSize: minimumCodeSize)
                guard indexes.count == w * h else {
                    throw DecodeError(description: "\(indexes.count) indexes for \(w)x\(h) pixels")
                }
                var pixels: [UInt8] = []
                pixels.reserveCapacity(indexes.count * 3)
                for i in indexes {
                    guard Int(i) * 3 + 2 < palette.count else { throw DecodeError(description: "index \(i) outside the table") }
                    pixels += palette[Int(i) * 3...Int(i) * 3 + 2]
                }
                frames.append(Frame(delay: pendingDelay, palette: palette, indexes: indexes,
                                    image: RGBFrame(width: w, height: h, pixels: pixels),
                                    maximumCodeSize: widest, clearCodes: clears))
                pendingDelay = nil
            case 0x3B:
                sawTrailer = true
                guard at == data.count else { throw DecodeError(description: "bytes after the trailer") }
                return
            case let other:
                throw DecodeError(description: "unknown block 0x\(String(other, radix: 16)) at \(at - 1)")
            }
        }
    }

    /// The LZW decoder of the spec: strings are rebuilt from (prefix, last symbol) pairs.
    static func decompress(_ data: [UInt8], minimumCodeSize: Int) throws -> (indexes: [UInt8], widest: Int, clears: Int) {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var strings: [[UInt8]] = (0..<clear).map { [UInt8($0)] } + [[], []]
        var codeSize = minimumCodeSize + 1, widest = codeSize, clears = 0
        var previous: [UInt8]?
        var out: [UInt8] = []
        var bitPosition = 0
        while bitPosition + codeSize <= data.count * 8 {
            var code = 0
            for bit in 0..<codeSize {
                let p = bitPosition + bit
                code |= Int((data[p >> 3] >> UInt8(p & 7)) & 1) << bit
            }
            bitPosition += codeSize
            widest = max(widest, codeSize)
            if code == clear {
                strings.removeSubrange((end + 1)...)
                codeSize = minimumCodeSize + 1
                previous = nil
                clears += 1
                continue
            }
            if code == end { return (out, widest, clears) }
            let current: [UInt8]
            if code < strings.count {
                current = strings[code]
                if let previous, strings.count < 4096 { strings.append(previous + [current[0]]) }
            } else if code == strings.count, let previous {
                current = previous + [previous[0]]
                strings.append(current)
            } else {
                throw DecodeError(description: "code \(code) beyond the table of \(strings.count)")
            }
            out += current
            previous = current
            if strings.count == 1 << codeSize && codeSize < 12 { codeSize += 1 }
        }
        throw DecodeError(description: "no end-of-information code")
    }
}
