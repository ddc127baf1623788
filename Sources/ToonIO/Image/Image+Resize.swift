extension Image {
    /// The image resized to `width` x `height` with `filter`, in the file's encoded (sRGB) values;
    /// results are clamped to 0...1. Colour is resized premultiplied by alpha, so transparent
    /// pixels do not bleed their hidden colour into visible ones.
    public func resized(width outputWidth: Int, height outputHeight: Int, filter: ResizeFilter = .lanczos3) -> Image {
        if outputWidth == width && outputHeight == height { return self }
        let plane = width * height
        var input = samples
        if hasAlpha {
            let alpha = (channels - 1) * plane
            for c in 0..<(channels - 1) {
                for i in 0..<plane { input[c * plane + i] *= samples[alpha + i] }
            }
        }
        var output = Resample.planar(input, channels: channels, width: width, height: height,
                                     outputWidth: outputWidth, outputHeight: outputHeight, filter: filter)
        let outputPlane = outputWidth * outputHeight
        if hasAlpha {
            let alpha = (channels - 1) * outputPlane
            for i in 0..<outputPlane {
                let a = min(1, max(0, output[alpha + i]))
                output[alpha + i] = a
                for c in 0..<(channels - 1) { output[c * outputPlane + i] = a > 0 ? output[c * outputPlane + i] / a : 0 }
            }
        }
        for i in output.indices { output[i] = min(1, max(0, output[i])) }
        return Image(width: outputWidth, height: outputHeight, channels: channels, samples: output, bitDepth: bitDepth)
    }
}
