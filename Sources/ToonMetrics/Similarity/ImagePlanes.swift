import ToonIO

/// The pixel values MSE, PSNR and SSIM compare: planar (channel, row, column) Doubles. Images read
/// from files are compared as 8-bit RGB codes 0...255, so the data range is 255.
public struct ImagePlanes: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `channels * height * width` values, one plane after another.
    public let values: [Double]

    /// Planes over existing values; the count must be `channels * height * width`.
    public init(width: Int, height: Int, channels: Int, values: [Double]) {
        precondition(width > 0 && height > 0 && channels > 0, "planes of \(channels)x\(height)x\(width)")
        precondition(values.count == channels * height * width, "\(values.count) values do not fill \(channels)x\(height)x\(width)")
        self.width = width
        self.height = height
        self.channels = channels
        self.values = values
    }

    /// An image as 8-bit RGB codes 0...255: gray copied to all three channels, alpha dropped, 16-bit
    /// files rounded to 8 bits (as datasets store them).
    public init(rgb8 image: Image) {
        let plane = image.width * image.height
        let colour = image.channels >= 3
        var values = [Double](repeating: 0, count: 3 * plane)
        image.samples.withUnsafeBufferPointer { samples in
            for c in 0..<3 {
                let from = (colour ? c : 0) * plane
                for i in 0..<plane { values[c * plane + i] = Double(min(max((samples[from + i] * 255).rounded(), 0), 255)) }
            }
        }
        self.init(width: image.width, height: image.height, channels: 3, values: values)
    }

    /// Whether `other` has the same width, height and channels.
    public func sameShape(as other: ImagePlanes) -> Bool {
        width == other.width && height == other.height && channels == other.channels
    }
}
