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
        self = GrayImage.combining(image) { r, g, b in (r * 9798 + g * 19235 + b * 3735 + 16384) >> 15 }
    }

    /// `image`'s 8-bit levels, colour pixels made gray by `gray` (of the R, G and B codes). 8-bit
    /// samples are their codes; 16-bit samples keep their high byte. Gray images keep their levels
    /// and alpha is ignored.
    static func combining(_ image: Image, _ gray: (Int, Int, Int) -> Int) -> GrayImage {
        let plane = image.width * image.height
        let samples = image.samples
        let code: (Float) -> Int = image.bitDepth == 16
            ? { value in Int((value * 65535).rounded()) >> 8 }
            : { value in Int((value * 255).rounded()) }
        var pixels = [UInt8](repeating: 0, count: plane)
        if image.channels >= 3 {
            for i in 0..<plane {
                pixels[i] = UInt8(truncatingIfNeeded: gray(code(samples[i]), code(samples[plane + i]), code(samples[2 * plane + i])))
            }
        } else {
            for i in 0..<plane { pixels[i] = UInt8(truncatingIfNeeded: code(samples[i])) }
        }
        return GrayImage(width: image.width, height: image.height, pixels: pixels)
    }
}
