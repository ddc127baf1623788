import ToonIO

/// An RGB picture as planar 8-bit code values held in floats (0...255): what the alignment recipe's
/// PIL images and NumPy arrays hold between its steps.
struct RGBCodes {
    let width: Int
    let height: Int
    /// Red plane, then green, then blue; row-major.
    var values: [Float]

    init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == 3 * width * height)
        self.width = width
        self.height = height
        self.values = values
    }

    /// The photo as PIL's `convert("RGB")` gives it: gray replicated, alpha dropped, 16-bit files
    /// keeping their high byte.
    init(_ image: Image) {
        let plane = image.width * image.height
        let code: (Float) -> Float = image.bitDepth == 16
            ? { Float(Int(($0 * 65535).rounded()) >> 8) }
            : { ($0 * 255).rounded() }
        var values = [Float](repeating: 0, count: 3 * plane)
        for c in 0..<3 {
            let source = (image.channels >= 3 ? c : 0) * plane
            for i in 0..<plane { values[c * plane + i] = code(image.samples[source + i]) }
        }
        self.init(width: image.width, height: image.height, values: values)
    }

    /// An 8-bit RGB image of these codes.
    var image: Image {
        Image(width: width, height: height, channels: 3, samples: values.map { $0 / 255 })
    }

    /// Resized with `filter`, then rounded and clipped to codes as PIL's 8-bit resize stores them.
    func resized(width outputWidth: Int, height outputHeight: Int, filter: ResizeFilter = .lanczos3) -> RGBCodes {
        if outputWidth == width && outputHeight == height { return self }
        var out = Resample.planar(values, channels: 3, width: width, height: height,
                                  outputWidth: outputWidth, outputHeight: outputHeight, filter: filter)
        for i in out.indices { out[i] = min(255, max(0, out[i].rounded())) }
        return RGBCodes(width: outputWidth, height: outputHeight, values: out)
    }

    /// PIL's `crop((left, top, right, bottom))`: pixels outside the picture are 0.
    func cropped(left: Int, top: Int, right: Int, bottom: Int) -> RGBCodes {
        let w = max(right - left, 1), h = max(bottom - top, 1)
        var out = [Float](repeating: 0, count: 3 * w * h)
        for c in 0..<3 {
            for y in 0..<h where top + y >= 0 && top + y < height {
                for x in 0..<w where left + x >= 0 && left + x < width {
                    out[(c * h + y) * w + x] = values[(c * height + top + y) * width + left + x]
                }
            }
        }
        return RGBCodes(width: w, height: h, values: out)
    }
}
