extension Image {
    /// The rectangle at (`x`, `y`) of `cropWidth` x `cropHeight` pixels, which must lie inside.
    public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> Image {
        precondition(x >= 0 && y >= 0 && cropWidth > 0 && cropHeight > 0
                     && x + cropWidth <= width && y + cropHeight <= height, "crop outside the image")
        if cropWidth == width && cropHeight == height { return self }
        var out: [Float] = []
        out.reserveCapacity(channels * cropWidth * cropHeight)
        for c in 0..<channels {
            for row in y..<(y + cropHeight) {
                let start = (c * height + row) * width + x
                out += samples[start..<(start + cropWidth)]
            }
        }
        return Image(width: cropWidth, height: cropHeight, channels: channels, samples: out, bitDepth: bitDepth)
    }

    /// The largest square in the middle (odd spare pixels left over on the right and bottom side).
    public func centredSquare() -> Image {
        let side = min(width, height)
        return cropped(x: (width - side) / 2, y: (height - side) / 2, width: side, height: side)
    }

    /// Three channels as PIL's `convert("RGB")` makes them: gray copied to R, G and B, alpha dropped
    /// (not composited).
    public func rgb() -> Image {
        let colour = droppingAlpha()
        guard colour.channels == 1 else { return colour }
        return Image(width: width, height: height, channels: 3, samples: colour.samples + colour.samples + colour.samples,
                     bitDepth: bitDepth)
    }
}
