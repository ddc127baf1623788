/// Precomputed taps for resampling one axis from `inputCount` to `outputCount` samples: output i
/// is the weighted sum of inputs `starts[i] ..< starts[i] + counts[i]`, weights normalised to 1.
struct ResampleWeights {
    let outputCount: Int
    /// Stride between the weight rows of consecutive outputs.
    let stride: Int
    var starts: [Int]
    var counts: [Int]
    var weights: [Float]

    init(inputCount: Int, outputCount: Int, filter: ResizeFilter) {
        precondition(inputCount > 0 && outputCount > 0, "resampling \(inputCount) samples to \(outputCount)")
        let scale = Double(inputCount) / Double(outputCount)
        // Downscaling widens the kernel by the scale factor (antialiasing); upscaling keeps it.
        let widen = max(scale, 1)
        let support = filter.support * widen
        self.outputCount = outputCount
        stride = Int(support.rounded(.up)) * 2 + 1
        starts = [Int](repeating: 0, count: outputCount)
        counts = [Int](repeating: 0, count: outputCount)
        weights = [Float](repeating: 0, count: outputCount * stride)
        var row = [Double](repeating: 0, count: stride)
        for i in 0..<outputCount {
            // Pixel centres sit at half-integers: output i covers input [i*scale, (i+1)*scale).
            let centre = (Double(i) + 0.5) * scale
            let left = centre - scale / 2, right = centre + scale / 2
            // Sampled kernels take the inputs whose centres fall inside the support; area takes
            // every input its footprint touches, even partly.
            let first = max(0, Int((filter == .area ? left : centre - support + 0.5).rounded(.down)))
            let end = min(inputCount, Int(filter == .area ? right.rounded(.up) : (centre + support + 0.5).rounded(.down)))
            let count = min(stride, max(0, end - first))
            var total = 0.0
            for k in 0..<count {
                let j = Double(first + k)
                let w = filter == .area
                    ? Self.overlap(j, j + 1, left, right)
                    : filter.weight((j + 0.5 - centre) / widen)
                row[k] = w
                total += w
            }
            starts[i] = first
            counts[i] = count
            // Near the borders part of the kernel falls outside the image; renormalising keeps
            // flat regions flat instead of darkening the edges.
            for k in 0..<count { weights[i * stride + k] = Float(total == 0 ? 0 : row[k] / total) }
        }
    }

    /// Length of the intersection of [a0, a1) and [b0, b1).
    private static func overlap(_ a0: Double, _ a1: Double, _ b0: Double, _ b1: Double) -> Double {
        max(0, min(a1, b1) - max(a0, b0))
    }
}
