import ToonIO

extension Image {
    /// Three-channel colour: gray copied to R, G and B; alpha composited over black (colour times
    /// alpha), so transparent areas become black as they do in NVLabs' tool. Samples stay in 0...1.
    func rgbOverBlack() -> Image {
        if channels == 3 { return Image(width: width, height: height, channels: 3, samples: samples) }
        let plane = width * height
        let colour = channels >= 3 ? 3 : 1
        var out = [Float](repeating: 0, count: 3 * plane)
        samples.withUnsafeBufferPointer { source in
            for c in 0..<3 {
                let from = (colour == 3 ? c : 0) * plane
                if hasAlpha {
                    let alpha = colour * plane
                    for i in 0..<plane { out[c * plane + i] = source[from + i] * source[alpha + i] }
                } else {
                    for i in 0..<plane { out[c * plane + i] = source[from + i] }
                }
            }
        }
        return Image(width: width, height: height, channels: 3, samples: out)
    }

    /// This image in the middle rows of a `side` x `side` black canvas (same width).
    func centredOnBlackSquare() -> Image {
        precondition(width >= height, "only a wide image is padded to a square")
        if width == height { return self }
        let side = width, top = (side - height) / 2
        var out = [Float](repeating: 0, count: channels * side * side)
        for c in 0..<channels {
            for row in 0..<height {
                let from = (c * height + row) * width, to = (c * side + top + row) * side
                for x in 0..<width { out[to + x] = samples[from + x] }
            }
        }
        return Image(width: side, height: side, channels: channels, samples: out, bitDepth: bitDepth)
    }
}
