import Foundation
import ToonTestSupport
@testable import ToonIO


enum VideoTestFrames {
    /// `count` distinct colours, spread so that none repeats.
    static func distinctColors(_ count: Int, seed: UInt64) -> [RGBFrame.Color] {
        var random = TestRandom(seed: seed)
        var seen = Set<UInt32>()
        var colors: [RGBFrame.Color] = []
        while colors.count < count {
            let packed = UInt32(random.next() & 0xFF_FFFF)
            if seen.insert(packed).inserted {
                colors.append(RGBFrame.Color(red: UInt8(packed >> 16), green: UInt8((packed >> 8) & 0xFF), blue: UInt8(packed & 0xFF)))
            }
        }
        return colors
    }

    /// Every pixel an independent random pick among `colors` distinct colours: LZW's worst case.
    static func noise(width: Int, height: Int, colors: Int, seed: UInt64) -> RGBFrame {
        let palette = distinctColors(colors, seed: seed)
        var random = TestRandom(seed: seed ^ 0xABCD)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for _ in 0..<width * height {
            let c = palette[random.below(colors)]
            pixels += [c.red, c.green, c.blue]
        }
        return RGBFrame(width: width, height: height, pixels: pixels)
    }

    /// Red rises left to right, green top to bottom, blue falls diagonally: thousands of colours
    /// that change by about one level per pixel, where banding is easiest to see.
    static func gradient(width: Int, height: Int) -> RGBFrame {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels.append(UInt8(x * 255 / max(width - 1, 1)))
                pixels.append(UInt8(y * 255 / max(height - 1, 1)))
                pixels.append(UInt8(255 - (x + y) * 255 / max(width + height - 2, 1)))
            }
        }
        return RGBFrame(width: width, height: height, pixels: pixels)
    }

    /// Colours scattered around a few centres (skin, hair, background of a portrait): the kind of
    /// distribution where box medians sit off the clusters' centres.
    static func clusters(width: Int, height: Int, seed: UInt64) -> RGBFrame {
        var random = TestRandom(seed: seed)
        let centres = distinctColors(6, seed: seed)
        var pixels: [UInt8] = []
        for _ in 0..<width * height {
            let c = centres[random.below(centres.count)]
            // Sum of three uniforms: a cheap bell-shaped spread of about +-24 levels.
            func jitter(_ v: UInt8) -> UInt8 {
                let d = random.below(17) + random.below(17) + random.below(17) - 24
                return UInt8(min(max(Int(v) + d, 0), 255))
            }
            pixels += [jitter(c.red), jitter(c.green), jitter(c.blue)]
        }
        return RGBFrame(width: width, height: height, pixels: pixels)
    }

    /// A square of `size` moving right by `step` pixels per frame over a dark background.
    static func movingSquare(width: Int, height: Int, frame: Int, size: Int = 8, step: Int = 3) -> RGBFrame {
        var image = RGBFrame(width: width, height: height, color: RGBFrame.Color(red: 20, green: 30, blue: 60))
        let left = (frame * step) % max(width - size, 1), top = height / 2 - size / 2
        for y in top..<top + size {
            for x in left..<left + size {
                let i = (y * width + x) * 3
                image.pixels[i] = 250; image.pixels[i + 1] = 200; image.pixels[i + 2] = 40
            }
        }
        return image
    }
}

/// A fresh empty folder for one test.
func videoTestFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-video-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// CRC-32 (IEEE, as zlib computes it), so the Python reference script can check the same sums.
func videoCRC32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
