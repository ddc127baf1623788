import Foundation
import ToonIO

/// A 64-bit DCT perceptual hash: the image in luma, averaged down to 32 x 32, its 8 x 8 lowest
/// frequencies of a 2-D DCT-II, one bit per coefficient above their median (the DC term, which
/// carries only brightness, is left out and its bit is always 0). Small edits, recompression and
/// resizing change few bits; different pictures differ in about half.
public struct PerceptualHash: Hashable, Sendable, CustomStringConvertible {
    public let bits: UInt64

    public init(bits: UInt64) { self.bits = bits }

    /// The hash of an RGB or gray image.
    public init(_ image: Image) {
        let side = 32, kept = 8
        let gray = Self.luma(image).resized(width: side, height: side, filter: .area)
        let pixels = gray.samples
        // Separable DCT-II: rows first, then columns, keeping only the lowest `kept` frequencies.
        let basis = (0..<kept).map { u in
            (0..<side).map { x in cos(Double.pi * Double(u) * (Double(x) + 0.5) / Double(side)) }
        }
        var rows = [Double](repeating: 0, count: side * kept)   // [y][u]
        for y in 0..<side {
            for u in 0..<kept {
                var sum = 0.0
                for x in 0..<side { sum += Double(pixels[y * side + x]) * basis[u][x] }
                rows[y * kept + u] = sum
            }
        }
        var coefficients = [Double](repeating: 0, count: kept * kept)   // [v][u]
        for v in 0..<kept {
            for u in 0..<kept {
                var sum = 0.0
                for y in 0..<side { sum += rows[y * kept + u] * basis[v][y] }
                coefficients[v * kept + u] = sum
            }
        }
        let ac = Array(coefficients.dropFirst()).sorted()
        let median = (ac[ac.count / 2 - 1] + ac[ac.count / 2]) / 2
        var bits: UInt64 = 0
        for i in 1..<coefficients.count where coefficients[i] > median { bits |= 1 << UInt64(i) }
        self.bits = bits
    }

    /// Number of differing bits.
    public func distance(to other: PerceptualHash) -> Int { (bits ^ other.bits).nonzeroBitCount }

    public var description: String {
        let hex = String(bits, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Rec. 601 luma of an RGB image (gray passes through; alpha is ignored).
    private static func luma(_ image: Image) -> Image {
        let plane = image.width * image.height
        guard image.channels >= 3 else {
            return Image(width: image.width, height: image.height, channels: 1, samples: Array(image.samples[0..<plane]))
        }
        var out = [Float](repeating: 0, count: plane)
        image.samples.withUnsafeBufferPointer { s in
            for i in 0..<plane { out[i] = 0.299 * s[i] + 0.587 * s[plane + i] + 0.114 * s[2 * plane + i] }
        }
        return Image(width: image.width, height: image.height, channels: 1, samples: out)
    }
}

/// The hashes of the images kept so far, searched for one within a distance.
struct PerceptualHashIndex {
    private var entries: [(hash: PerceptualHash, name: String)] = []

    /// The earliest kept image within `threshold` bits of `hash`, and its distance.
    func nearest(to hash: PerceptualHash, within threshold: Int) -> (name: String, distance: Int)? {
        for entry in entries {
            let d = entry.hash.distance(to: hash)
            if d <= threshold { return (entry.name, d) }
        }
        return nil
    }

    mutating func insert(_ hash: PerceptualHash, name: String) { entries.append((hash, name)) }
}
