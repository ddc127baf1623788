import ToonCore

/// StyleGAN2's modulated convolution in its "non-fused" form: the styles scale the input channels,
/// one shared weight convolves the whole batch, and demodulation scales the output channels.
/// It equals NVLabs' fused form (per-sample weights, grouped conv) up to float rounding, and lets
/// the batch share one GEMM, which is what makes batches fast on a CPU.
struct ModulatedConv {
    /// NVLabs' demodulation epsilon.
    static let epsilon: Float = 1e-8

    /// x: [N, I, H, W], weight: [O, I, k, k], styles: [N, I]. With `up`, the output is 2H x 2W:
    /// a stride-2 transposed convolution followed by the FIR filter, as NVLabs' conv2d_resample.
    static func apply(_ x: Tensor, weight: Tensor, styles: Tensor, demodulate: Bool, up: Bool,
                      filter: FIRFilter, noise: Tensor? = nil) -> Tensor {
        let (n, inChannels) = (x.shape[0], x.shape[1])
        let (outChannels, kernel) = (weight.shape[0], weight.shape[2])
        precondition(weight.shape[1] == inChannels && styles.shape == [n, inChannels],
                     "modulated conv: input \(x.shape), weight \(weight.shape), styles \(styles.shape)")
        var y = x * styles.reshaped([n, inChannels, 1, 1])
        if up {
            // conv2d_resample's up path: transposed conv with the [in, out] weight, then the
            // filter with padding that centres it and gain up^2.
            let p0 = floorDiv(filter.width + 1, 2) + kernel / 2 - (kernel - 1)
            let p1 = floorDiv(filter.width - 2, 2) + kernel / 2 - (kernel - 2)
            let overlap = max(min(-p0, -p1), 0)
            y = y.transposedConv2d(weight.permuted([1, 0, 2, 3]), stride: 2, padding: overlap)
            let q0 = p0 + overlap, q1 = p1 + overlap
            y = y.upfirdn2d(filter, padding: ResamplePadding(x0: q0, x1: q1, y0: q0, y1: q1), gain: 4)
        } else {
            y = y.conv2d(weight, padding: kernel / 2)
        }
        if demodulate {
            // sum over (i, ky, kx) of (w[o,i] s[n,i])^2 = s^2 @ (sum_k w^2)^T
            let weightEnergy = weight.square().sum(axes: [2, 3])  // [O, I]
            let coefficients = (styles.square().matmul(weightEnergy, transposeOther: true) + epsilon).rsqrt()
            y = y * coefficients.reshaped([n, outChannels, 1, 1])
        }
        if let noise { y = y + noise }
        return y
    }
}
