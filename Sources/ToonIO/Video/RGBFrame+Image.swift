/// Frames and images meet when a grid or a video frame is saved as a picture.
extension Image {
    /// An 8-bit RGB image holding `frame`'s pixels exactly.
    public init(frame: RGBFrame) {
        let plane = frame.width * frame.height
        var samples = [Float](repeating: 0, count: plane * 3)
        frame.pixels.withUnsafeBufferPointer { p in
            for i in 0..<plane {
                for c in 0..<3 { samples[c * plane + i] = Float(p[i * 3 + c]) / 255 }
            }
        }
        self.init(width: frame.width, height: frame.height, channels: 3, samples: samples)
    }
}
