import ToonIO

extension GrayImage {
    /// The intensities dlib's `get_pixel_intensity` reads from the same file decoded to 8 bits: the
    /// integer mean `(R + G + B) / 3`, truncated, for colour; the level itself for gray. This is not
    /// OpenCV's weighted gray (`GrayImage(_:)`), and the shape predictor needs dlib's. Alpha is ignored
    /// (dlib treats the pixel as opaque); 16-bit samples keep their high byte.
    public init(dlibIntensitiesOf image: Image) {
        let plane = image.width * image.height
        let samples = image.samples
        let code: (Float) -> Int = image.bitDepth == 16
            ? { value in Int((value * 65535).rounded()) >> 8 }
            : { value in Int((value * 255).rounded()) }
        var pixels = [UInt8](repeating: 0, count: plane)
        if image.channels >= 3 {
            for i in 0..<plane {
                pixels[i] = UInt8(truncatingIfNeeded: (code(samples[i]) + code(samples[plane + i]) + code(samples[2 * plane + i])) / 3)
            }
        } else {
            for i in 0..<plane { pixels[i] = UInt8(truncatingIfNeeded: code(samples[i])) }
        }
        self.init(width: image.width, height: image.height, pixels: pixels)
    }
}
