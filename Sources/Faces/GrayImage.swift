import ToonIO

/// An 8-bit grayscale picture, row after row from the top: what a cascade scans.
public struct GrayImage: Equatable, Sendable {
    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// `width * height` gray levels, row-major.
    public private(set) var pixels: [UInt8]

    /// A gray image over existing pixels; the count must be `width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "gray image of \(width)x\(height) pixels")
        precondition(pixels.count == width * height, "\(pixels.count) pixels do not fill \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// `image` in gray exactly as OpenCV 4 makes it from the same file: `cv2.imread` (colour, 8-bit)
    /// then `cvtColor(COLOR_BGR2GRAY)`, whose 8-bit path is fixed point with 15-bit weights,
    /// `(9798 R + 19235 G + 3735 B + 2^14) >> 15`. Gray images keep their levels; alpha is ignored;
    /// 16-bit samples keep their high byte, as imread's PNG reader strips the low one.
    public init(_ image: Image) {
        let plane = image.width * image.height
        let samples = image.samples
        let code: (Float) -> Int = image.bitDepth == 16
            ? { value in Int((value * 65535).rounded()) >> 8 }
            : { value in Int((value * 255).rounded()) }
        var pixels = [UInt8](repeating: 0, count: plane)
        if image.channels >= 3 {
            for i in 0..<plane {
                let r = code(samples[i]), g = code(samples[plane + i]), b = code(samples[2 * plane + i])
                pixels[i] = UInt8(truncatingIfNeeded: (r * 9798 + g * 19235 + b * 3735 + 16384) >> 15)
            }
        } else {
            for i in 0..<plane { pixels[i] = UInt8(truncatingIfNeeded: code(samples[i])) }
        }
        self.init(width: image.width, height: image.height, pixels: pixels)
    }
}
