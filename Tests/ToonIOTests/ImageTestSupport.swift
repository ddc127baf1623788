import Foundation
import ToonTestSupport
@testable import ToonIO

/// Builds PNG files byte by byte (stored deflate blocks, our own CRC and Adler), so tests of the
/// reader do not depend on our writer or on libpng's.
enum ImageTestPNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func header(width: UInt32, height: UInt32, bitDepth: UInt8, colorType: UInt8,
                       interlace: UInt8 = 0) -> [UInt8] {
        chunk("IHDR", bigEndian(width) + bigEndian(height) + [bitDepth, colorType, 0, 0, interlace])
    }

    /// A zlib stream of stored (uncompressed) blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let count = min(65_535, data.count - start)
            let last: UInt8 = start + count == data.count ? 1 : 0
            out += [last, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[start..<(start + count)]
            start += count
        } while start < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return out + bigEndian(b << 16 | a)
    }

    /// A complete PNG whose rows (each already starting with its filter byte) are stored as given.
    static func file(width: UInt32, height: UInt32, bitDepth: UInt8, colorType: UInt8, interlace: UInt8 = 0,
                     extraChunks: [[UInt8]] = [], filteredRows: [UInt8]) -> [UInt8] {
        signature + header(width: width, height: height, bitDepth: bitDepth, colorType: colorType, interlace: interlace)
            + extraChunks.joined() + chunk("IDAT", zlibStored(filteredRows)) + chunk("IEND", [])
    }
}

/// A fresh temporary folder per test suite instance.
func imageTestFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-image-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// An 8-bit image whose samples are random codes k/255.
func imageWithRandomCodes(width: Int, height: Int, channels: Int, seed: UInt64) -> Image {
    var random = TestRandom(seed: seed)
    let samples = (0..<(width * height * channels)).map { _ in Float(random.byte()) / 255 }
    return Image(width: width, height: height, channels: channels, samples: samples)
}

/// A smooth RGB or gray test picture (gradients and a soft disc), the kind JPEG is made for.
func imageSmooth(width: Int, height: Int, channels: Int) -> Image {
    var samples = [Float]()
    for c in 0..<channels {
        for y in 0..<height {
            for x in 0..<width {
                let u = Float(x) / Float(width - 1), v = Float(y) / Float(height - 1)
                let r = ((u - 0.5) * (u - 0.5) + (v - 0.5) * (v - 0.5)).squareRoot()
                let disc = max(0, 1 - r * 2.5)
                samples.append(min(1, max(0, 0.15 + 0.5 * (c % 2 == 0 ? u : v) * 0.8 + 0.3 * disc + Float(c) * 0.05)))
            }
        }
    }
    return Image(width: width, height: height, channels: channels, samples: samples)
}
