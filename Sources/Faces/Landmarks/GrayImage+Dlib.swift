import ToonIO

extension GrayImage {
    /// The intensities dlib's `get_pixel_intensity` reads from the same file decoded to 8 bits: the
    /// integer mean `(R + G + B) / 3`, truncated, for colour; the level itself for gray. This is not
    /// OpenCV's weighted gray (`GrayImage(_:)`), and the shape predictor needs dlib's. Alpha is ignored
    /// (dlib treats the pixel as opaque); 16-bit samples keep their high byte.
    public init(dlibIntensitiesOf image: Image) {
        self = GrayImage.combining(image) { r, g, b in (r + g + b) / 3 }
    }
}
