import ToonCore

/// One video frame: `width * height` pixels, row-major, each three bytes R, G, B.
public struct RGBFrame: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Interleaved RGB8 samples, `width * height * 3` of them.
    public var pixels: [UInt8]

    /// A frame over existing bytes; `pixels.count` must be `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative frame size \(width)x\(height)")
        precondition(pixels.count == width * height * 3,
                     "\(pixels.count) bytes do not fill a \(width)x\(height) RGB frame")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An opaque 8-bit colour, for fills and grid backgrounds.
    public struct Color: Equatable, Sendable {
        public var red: UInt8
        public var green: UInt8
        public var blue: UInt8
        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red; self.green = green; self.blue = blue
        }
        public static let black = Color(red: 0, green: 0, blue: 0)
        public static let white = Color(red: 255, green: 255, blue: 255)
    }

    /// A frame of one colour.
    public init(width: Int, height: Int, color: Color) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = color.red; pixels[i + 1] = color.green; pixels[i + 2] = color.blue
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The frame held by a [3,H,W] or [1,3,H,W] tensor whose samples span `range`.
    ///
    /// Samples become bytes by `Quantization(range:)`: for -1...1, NVLabs generate.py's rule, so our
    /// frames match theirs byte for byte.
    public init(tensor: Tensor, range: ClosedRange<Float> = -1...1) throws(ToonIOError) {
        let shape = tensor.shape
        let isCHW = shape.count == 3 && shape[0] == 3
        let isNCHW = shape.count == 4 && shape[0] == 1 && shape[1] == 3
        guard isCHW || isNCHW else { throw ToonIOError(file: nil, .video(.tensorShape(shape))) }
        precondition(range.upperBound > range.lowerBound, "empty sample range \(range)")
        let height = shape[shape.count - 2], width = shape[shape.count - 1]
        let plane = width * height
        let rule = Quantization(range: range)
        var pixels = [UInt8](repeating: 0, count: plane * 3)
        tensor.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                let target = target.baseAddress!
                Parallel.forEach(plane, grain: 16_384) { range in
                    for channel in 0..<3 {
                        let input = source.baseAddress! + channel * plane
                        for i in range {
                            target[i * 3 + channel] = rule.byte(input[i])
                        }
                    }
                }
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The colour at column `x`, row `y`.
    public func pixel(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
    }

    /// "WxH", as errors print it.
    var sizeDescription: String { "\(width)x\(height)" }
}
