/// A decoded picture: planar Float32 samples in 0...1, exactly as the file encodes them (sRGB values,
/// not linear light). Planes are stored one after another: channel, then row, then column.
public struct Image: Equatable, Sendable {
    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// Bits per sample in the file this came from (8 or 16; 1, 2 and 4-bit files report 8); decides
    /// whether a PNG written without an explicit format keeps 16 bits.
    public var bitDepth: Int
    /// `channels * height * width` samples, planar.
    public private(set) var samples: [Float]

    /// An image over existing planar samples; the count must be `channels * height * width`.
    public init(width: Int, height: Int, channels: Int, samples: [Float], bitDepth: Int = 8) {
        precondition(width > 0 && height > 0, "image of \(width)x\(height) pixels")
        precondition((1...4).contains(channels), "images have 1 to 4 channels, not \(channels)")
        precondition(samples.count == channels * height * width,
                     "\(samples.count) samples do not fill \(channels)x\(height)x\(width)")
        precondition(bitDepth == 8 || bitDepth == 16, "bit depth \(bitDepth) is not 8 or 16")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
        self.bitDepth = bitDepth
    }

    /// An image filled with one value in every sample.
    public init(width: Int, height: Int, channels: Int, repeating value: Float) {
        self.init(width: width, height: height, channels: channels,
                  samples: [Float](repeating: value, count: channels * height * width))
    }

    /// The sample of `channel` at column `x`, row `y`.
    public func sample(channel: Int, x: Int, y: Int) -> Float {
        samples[(channel * height + y) * width + x]
    }

    /// Whether the last channel is alpha (gray+alpha or RGBA).
    public var hasAlpha: Bool { channels == 2 || channels == 4 }

    /// The same picture without its alpha plane (colour kept as stored, not composited).
    public func droppingAlpha() -> Image {
        guard hasAlpha else { return self }
        let kept = channels - 1
        return Image(width: width, height: height, channels: kept,
                     samples: Array(samples[0..<(kept * height * width)]), bitDepth: bitDepth)
    }
}
