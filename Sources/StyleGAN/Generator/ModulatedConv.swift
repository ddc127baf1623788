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
            let (overlap, filterPadding) = upsamplingPadding(filter: filter, kernel: kernel)
            y = y.transposedConv2d(weight.permuted([1, 0, 2, 3]), stride: 2, padding: overlap)
            y = y.upfirdn2d(filter, padding: filterPadding, gain: 4)
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

    /// The upsampling of an up layer as the fused ops take it.
    static func upsampling(filter: FIRFilter, kernel: Int) -> ConvUpsampling {
        let (overlap, padding) = upsamplingPadding(filter: filter, kernel: kernel)
        return ConvUpsampling(filter: filter, overlap: overlap, padding: padding)
    }

    /// NVLabs conv2d_resample's padding for up = 2 ("same" conv padding kernel / 2): the transposed
    /// conv's own padding (where the filter would need a negative one) and the FIR filter's.
    static func upsamplingPadding(filter: FIRFilter, kernel: Int) -> (overlap: Int, filter: ResamplePadding) {
        let p0 = floorDiv(filter.width + 1, 2) + kernel / 2 - (kernel - 1)
        let p1 = floorDiv(filter.width - 2, 2) + kernel / 2 - (kernel - 2)
        let overlap = max(min(-p0, -p1), 0)
        let q0 = p0 + overlap, q1 = p1 + overlap
        return (overlap, ResamplePadding(x0: q0, x1: q1, y0: q0, y1: q1))
    }
}

/// Inference (no gradients recorded): the same layer without passes over the activations. The
/// styles scale the input channels inside the convolution's column copy or Winograd input
/// transform (the up layers' transposed convolutions too); the 1x1 toRGB, which has neither,
/// takes per-sample weights as NVLabs' fused_modconv does. Demodulation, noise, bias, activation,
/// gain and clamp run as the epilogue of the convolution (of the FIR filter in up layers).
extension ModulatedConv {
    /// x: [N, I, H, W], weight: [O, I, k, k], styles: [N, I]; `epilogue` carries noise, bias,
    /// activation, gain and clamp (its outputScale is set here to the demodulation coefficients).
    static func inference(_ x: Tensor, weight: Tensor, styles: Tensor, demodulate: Bool, up: Bool,
                          filter: FIRFilter, epilogue: ConvEpilogue) -> Tensor {
        let (n, inChannels) = (x.shape[0], x.shape[1])
        let (outChannels, kernel) = (weight.shape[0], weight.shape[2])
        precondition(weight.shape[1] == inChannels && styles.shape == [n, inChannels],
                     "modulated conv: input \(x.shape), weight \(weight.shape), styles \(styles.shape)")
        var epilogue = epilogue
        let coefficients = demodulate ? demodulation(weight: weight, styles: styles) : nil
        if kernel == 1 && !up {
            // Per-sample 1x1 weights are tiny (O x I); the product stays a plain GEMM.
            let w = weight.reshaped([1, outChannels, inChannels, 1, 1]) * styles.reshaped([n, 1, inChannels, 1, 1])
            epilogue.outputScale = coefficients
            return x.conv2d(sampleWeights: w, padding: 0, epilogue: epilogue)
        }
        guard up else {
            epilogue.outputScale = coefficients
            return x.conv2d(weight, padding: kernel / 2, inputScale: styles, epilogue: epilogue)
        }
        let (overlap, filterPadding) = upsamplingPadding(filter: filter, kernel: kernel)
        // The weight seen in the transposed conv's [in, out, k, k] layout (a view: no copy; its
        // Winograd transform is derived once per weight): the styles scale its input channels,
        // demodulation scales the filtered output.
        let transposed = weight.permuted([1, 0, 2, 3])
        let y = x.transposedConv2d(transposed, stride: 2, padding: overlap, inputScale: styles)
        epilogue.outputScale = coefficients
        return y.filtered2d(filter, padding: filterPadding, gain: 4, epilogue: epilogue)
    }

    /// NVLabs' demodulation coefficients [N, O]: rsqrt(sum over (i, ky, kx) of (w[o,i] s[n,i])^2 + eps).
    /// The weight's energy is kept with the weight, which stays the same from call to call.
    static func demodulation(weight: Tensor, styles: Tensor) -> Tensor {
        let energy = weight.derived("StyleGAN2 weight energy", weightEnergy)
        return (styles.square().matmul(energy, transposeOther: true) + epsilon).rsqrt()
    }

    /// sum over (ky, kx) of w[o, i, ky, kx]^2 as [O, I], in one pass over the weight (no temporaries:
    /// at 512 channels the weight is 9.4 MB, read once per layer call).
    static func weightEnergy(_ weight: Tensor) -> Tensor {
        let (o, i, taps) = (weight.shape[0], weight.shape[1], weight.shape[2] * weight.shape[3])
        var energy = Tensor(uninitializedShape: [o, i])
        weight.withUnsafeBufferPointer { w in
            energy.withUnsafeMutableBufferPointer { e in
                let (w, e) = (UncheckedPointers(w.baseAddress!), UncheckedPointers(e.baseAddress!))
                Parallel.forEach(o * i, grain: 8192) { range in
                    for r in range {
                        var acc: Float = 0
                        for t in 0..<taps { let v = w.read[r * taps + t]; acc += v * v }
                        e.write[r] = acc
                    }
                }
            }
        }
        return energy
    }
}

/// Raw pointers handed to a `Parallel` loop whose writes are disjoint.
private struct UncheckedPointers: @unchecked Sendable {
    let read: UnsafePointer<Float>
    var write: UnsafeMutablePointer<Float> { UnsafeMutablePointer(mutating: read) }
    init(_ pointer: UnsafePointer<Float>) { read = pointer }
    init(_ pointer: UnsafeMutablePointer<Float>) { read = UnsafePointer(pointer) }
}
