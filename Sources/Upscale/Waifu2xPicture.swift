import ToonIO

/// An 8-bit picture as the reference holds one between its steps (a PIL image): RGB planes and,
/// where there is transparency, an alpha plane.
struct Waifu2xPicture: Equatable {
    var width: Int
    var height: Int
    /// Three planes of codes, R then G then B.
    var rgb: [UInt8]
    var alpha: [UInt8]?
    /// True when the alpha is a channel of its own (PIL modes LA and RGBA), which the reference
    /// fills under before upscaling; false for a transparent colour (a PNG tRNS chunk), which it does not.
    var alphaIsChannel: Bool

    /// 8-bit codes of `image`: gray copied to R, G and B as PIL's convert("RGB") does; 16-bit
    /// samples keep their high byte, as Pillow reads 16-bit colour PNGs.
    init(_ image: Image, alphaIsChannel: Bool) {
        width = image.width
        height = image.height
        let plane = width * height
        let wide = image.bitDepth == 16
        func codes(_ channel: Int) -> [UInt8] {
            image.samples[(channel * plane)..<((channel + 1) * plane)].map { sample in
                let clamped = min(max(sample, 0), 1)
                return wide ? UInt8(Int((clamped * 65535).rounded()) >> 8) : UInt8((clamped * 255).rounded())
            }
        }
        let colour = image.channels >= 3 ? 3 : 1
        rgb = colour == 3 ? codes(0) + codes(1) + codes(2) : { let gray = codes(0); return gray + gray + gray }()
        alpha = image.hasAlpha ? codes(image.channels - 1) : nil
        self.alphaIsChannel = alphaIsChannel
    }

    init(width: Int, height: Int, rgb: [UInt8], alpha: [UInt8]?, alphaIsChannel: Bool) {
        self.width = width
        self.height = height
        self.rgb = rgb
        self.alpha = alpha
        self.alphaIsChannel = alphaIsChannel
    }

    /// The picture as an 8-bit ToonKit image: gray (PIL's convert("L")) when `gray`, else RGB; alpha kept.
    func image(gray: Bool) -> Image {
        let plane = width * height
        var samples: [Float] = []
        samples.reserveCapacity((gray ? 1 : 3) * plane + (alpha == nil ? 0 : plane))
        if gray {
            for i in 0..<plane {
                samples.append(Float(Self.luma(rgb[i], rgb[plane + i], rgb[2 * plane + i])) / 255)
            }
        } else {
            samples.append(contentsOf: rgb.map { Float($0) / 255 })
        }
        if let alpha { samples.append(contentsOf: alpha.map { Float($0) / 255 }) }
        let channels = (gray ? 1 : 3) + (alpha == nil ? 0 : 1)
        return Image(width: width, height: height, channels: channels, samples: samples)
    }

    /// PIL's RGB to L: ITU-R 601-2 luma in 16-bit fixed point, rounded.
    static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let sum: Int = Int(r) * 19595 + Int(g) * 38470 + Int(b) * 7471
        return UInt8((sum + 0x8000) >> 16)
    }

    /// The Y of PIL's RGB to YCbCr: its tables of 0.299, 0.587 and 0.114 times 64, summed and
    /// shifted (not always the same as `luma`; checked on all 2^24 colours).
    static func ycbcrLuma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let sum: Int = yTable.r[Int(r)] + yTable.g[Int(g)] + yTable.b[Int(b)]
        return UInt8(sum >> 6)
    }

    private static let yTable: (r: [Int], g: [Int], b: [Int]) = {
        func table(_ weight: Double) -> [Int] { (0..<256).map { Int((weight * 64 * Double($0)).rounded()) } }
        return (table(0.299), table(0.587), table(0.114))
    }()
}

/// Pixel steps of the reference (iproc.py, reconstruct.py), on 8-bit planes.
enum Waifu2xPixels {
    /// reconstruct.image's `np.clip(dst, 0, 1) * 255` then `astype(np.uint8)`: truncated, in Float32.
    static func codes(_ values: [Float]) -> [UInt8] {
        values.map { value in
            let clipped = value.isNaN ? 0 : min(max(value, 0), 1)
            return UInt8(clipped * 255)
        }
    }

    /// PIL's nearest-neighbour resize to exactly twice the size: each code repeated 2x2.
    static func doubled(_ planes: [UInt8], count: Int, width: Int, height: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 4 * planes.count)
        for plane in 0..<count {
            for y in 0..<(2 * height) {
                let from = plane * width * height + (y / 2) * width, to = plane * 4 * width * height + y * 2 * width
                for x in 0..<(2 * width) { out[to + x] = planes[from + x / 2] }
            }
        }
        return out
    }

    /// iproc.alpha_make_border: colour under fully transparent pixels replaced, `passes` times, by the
    /// mean of its non-transparent 3x3 neighbours (the pixels filled by the pass before count as
    /// such), so the network does not see the arbitrary colour hidden there. Float32 as the
    /// reference, including its 1e-7 in the divisor; then clipped to 0...255 and truncated.
    static func fillUnderTransparency(rgb: [UInt8], alpha: [UInt8], width: Int, height: Int, passes: Int) -> [UInt8] {
        let plane = width * height
        var mask = alpha.map { $0 > 0 ? Float(1) : 0 }
        guard mask.contains(0) else { return rgb }
        var colour = [Float](repeating: 0, count: 3 * plane)
        for i in 0..<(3 * plane) where mask[i % plane] != 0 { colour[i] = Float(rgb[i]) }
        let eps = Float(1e-7)
        for _ in 0..<passes {
            let weight = boxSum(mask, width: width, height: height)
            for c in 0..<3 {
                let border = boxSum(Array(colour[(c * plane)..<((c + 1) * plane)]), width: width, height: height)
                for i in 0..<plane where mask[i] == 0 { colour[c * plane + i] = border[i] / (weight[i] + eps) }
            }
            mask = weight.map { $0 > 0 ? 1 : 0 }
        }
        return colour.map { UInt8(min(max($0, 0), 255)) }
    }

    /// The 3x3 sum with zeros outside, as the reference's all-ones Convolution2D(1, 1, 3, pad 1).
    static func boxSum(_ values: [Float], width: Int, height: Int) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for y in 0..<height {
            for x in 0..<width {
                var sum: Float = 0
                for dy in -1...1 where y + dy >= 0 && y + dy < height {
                    for dx in -1...1 where x + dx >= 0 && x + dx < width { sum += values[(y + dy) * width + x + dx] }
                }
                out[y * width + x] = sum
            }
        }
        return out
    }

    /// PIL's `resize(size, LANCZOS)` of 8-bit planes: rows first, rounded to codes, then columns.
    static func lanczos(_ planes: [UInt8], count: Int, width: Int, height: Int, toWidth: Int, toHeight: Int) -> [UInt8] {
        func rounded(_ values: [Float]) -> [Float] { values.map { min(max($0.rounded(), 0), 255) } }
        var values = planes.map(Float.init)
        values = rounded(Resample.planar(values, channels: count, width: width, height: height,
                                         outputWidth: toWidth, outputHeight: height, filter: .lanczos3))
        values = rounded(Resample.planar(values, channels: count, width: toWidth, height: height,
                                         outputWidth: toWidth, outputHeight: toHeight, filter: .lanczos3))
        return values.map { UInt8($0) }
    }
}
