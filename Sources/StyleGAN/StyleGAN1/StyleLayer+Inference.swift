import ToonCore

extension StyleLayer {
    /// Inference (no gradients recorded): the epilogue in one pass per channel plane for the
    /// noise, bias and activation, one for the instance norm's variance and one for the
    /// normalisation and style, instead of the composed ops' ten passes over the activations.
    /// Pixel norm mixes channels, so layers with it take the composed path.
    static func fusedEpilogue(_ y: Tensor, noise: Tensor?, strength: Tensor?, bias: Tensor, slope: Float,
                              instanceNorm: Bool, styles: Tensor) -> Tensor {
        let (n, c, hw) = (y.shape[0], y.shape[1], y.shape[2] * y.shape[3])
        var out = y.contiguous()
        let noiseValues = noise.map { $0.contiguous() }
        let noiseStride = noiseValues.map { $0.count == hw ? 0 : hw } ?? 0
        let strengths = strength?.scalars ?? [Float](repeating: 0, count: c)
        let biases = bias.scalars, style = styles.contiguous().scalars  // [N, 2C]: scales - 1, then shifts
        let zeros = [Float](repeating: 0, count: noiseValues == nil ? hw : 0)
        (noiseValues ?? Tensor(shape: [hw], scalars: zeros)).withUnsafeBufferPointer { noisePointer in
            out.withUnsafeMutableBufferPointer { values in
                let base = values.baseAddress!, noiseBase = noisePointer.baseAddress!
                Parallel.forEachTask(n * c) { _, plane in
                    let image = plane / c, channel = plane % c
                    let x = base + plane * hw, z = noiseBase + image * noiseStride
                    let s = strengths[channel], b = biases[channel]
                    var sum: Double = 0
                    for i in 0..<hw {
                        let v = x[i] + z[i] * s + b
                        let a = Swift.max(v, v * slope)
                        x[i] = a
                        sum += Double(a)
                    }
                    let scale = style[image * 2 * c + channel] + 1, shift = style[image * 2 * c + c + channel]
                    if instanceNorm {
                        let mean = Float(sum / Double(hw))
                        var squares: Double = 0
                        for i in 0..<hw {
                            let d = x[i] - mean
                            squares += Double(d * d)
                        }
                        let factor = 1 / (Float(squares / Double(hw)) + epsilon).squareRoot() * scale
                        for i in 0..<hw { x[i] = (x[i] - mean) * factor + shift }
                    } else {
                        for i in 0..<hw { x[i] = x[i] * scale + shift }
                    }
                }
            }
        }
        return out
    }
}
