import ToonCore

/// Separable resizing of planar float images: one pass along rows, then one along columns, each
/// from precomputed weights and parallel over rows.
public enum Resample {
    /// Resizes `channels` planes of `width` x `height` samples to `outputWidth` x `outputHeight`.
    /// Values are not clamped (Lanczos and bicubic overshoot near edges).
    public static func planar(_ samples: [Float], channels: Int, width: Int, height: Int,
                              outputWidth: Int, outputHeight: Int, filter: ResizeFilter) -> [Float] {
        precondition(samples.count == channels * width * height,
                     "\(samples.count) samples do not fill \(channels)x\(height)x\(width)")
        precondition(outputWidth > 0 && outputHeight > 0, "resize to \(outputWidth)x\(outputHeight)")
        var current = samples
        // Horizontal first, as Pillow does, so results agree with it to float rounding.
        if outputWidth != width {
            let weights = ResampleWeights(inputCount: width, outputCount: outputWidth, filter: filter)
            current = horizontal(current, rows: channels * height, width: width, weights: weights)
        }
        if outputHeight != height {
            let weights = ResampleWeights(inputCount: height, outputCount: outputHeight, filter: filter)
            current = vertical(current, channels: channels, height: height, width: outputWidth, weights: weights)
        }
        return current
    }

    /// Each output sample is a short dot product along its input row.
    private static func horizontal(_ input: [Float], rows: Int, width: Int, weights: ResampleWeights) -> [Float] {
        let outputWidth = weights.outputCount, stride = weights.stride
        var output = [Float](repeating: 0, count: rows * outputWidth)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                weights.weights.withUnsafeBufferPointer { taps in
                    let source = source.baseAddress!, out = out.baseAddress!, taps = taps.baseAddress!
                    let starts = weights.starts, counts = weights.counts
                    Parallel.forEach(rows, grain: grain(outputWidth * stride)) { range in
                        for r in range {
                            let row = source + r * width, result = out + r * outputWidth
                            for x in 0..<outputWidth {
                                let w = taps + x * stride, s = row + starts[x]
                                var sum: Float = 0
                                for k in 0..<counts[x] { sum += w[k] * s[k] }
                                result[x] = sum
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Each output row is a weighted sum of whole input rows, so the inner loop runs along
    /// contiguous memory and vectorises.
    private static func vertical(_ input: [Float], channels: Int, height: Int, width: Int,
                                 weights: ResampleWeights) -> [Float] {
        let outputHeight = weights.outputCount, stride = weights.stride
        var output = [Float](repeating: 0, count: channels * outputHeight * width)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                weights.weights.withUnsafeBufferPointer { taps in
                    let source = source.baseAddress!, out = out.baseAddress!, taps = taps.baseAddress!
                    let starts = weights.starts, counts = weights.counts
                    Parallel.forEach(channels * outputHeight, grain: grain(width * stride)) { range in
                        for r in range {
                            let c = r / outputHeight, y = r % outputHeight
                            let result = out + r * width, w = taps + y * stride
                            for k in 0..<counts[y] {
                                let row = source + (c * height + starts[y] + k) * width, weight = w[k]
                                for x in 0..<width { result[x] += weight * row[x] }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Rows per thread worth starting one for, given the multiply-adds per row.
    private static func grain(_ workPerRow: Int) -> Int { max(1, 32_768 / max(1, workPerRow)) }
}
