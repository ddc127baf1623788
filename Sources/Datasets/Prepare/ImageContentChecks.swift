import ToonIO

/// Content tests on a prepared RGB image, with tolerances for JPEG noise and resampling.
enum ImageContentChecks {
    /// A pixel whose channels differ by more than this is coloured (about 8 of 255).
    static let colourSpread: Float = 8.5 / 255
    /// At most this share of coloured pixels still counts as gray (stray JPEG chroma at edges).
    static let colouredShare = 0.005
    /// A channel whose values span no more than this is flat (about 6 of 255).
    static let flatSpan: Float = 6.5 / 255

    /// True when (nearly) every pixel has R = G = B: gray files, and gray stored as RGB.
    static func isGrayscale(_ image: Image) -> Bool {
        precondition(image.channels == 3, "grayscale test on \(image.channels) channels")
        let plane = image.width * image.height
        var coloured = 0
        image.samples.withUnsafeBufferPointer { s in
            for i in 0..<plane {
                let r = s[i], g = s[plane + i], b = s[2 * plane + i]
                if max(r, g, b) - min(r, g, b) > colourSpread { coloured += 1 }
            }
        }
        return Double(coloured) <= colouredShare * Double(plane)
    }

    /// True when every channel stays within `flatSpan`: a single colour.
    static func isFlat(_ image: Image) -> Bool {
        let plane = image.width * image.height
        return image.samples.withUnsafeBufferPointer { s in
            (0..<image.channels).allSatisfy { c in
                var low = Float.infinity, high = -Float.infinity
                for i in (c * plane)..<((c + 1) * plane) {
                    low = min(low, s[i])
                    high = max(high, s[i])
                }
                return high - low <= flatSpan
            }
        }
    }
}
