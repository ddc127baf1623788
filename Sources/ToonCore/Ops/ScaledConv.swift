import CKernels

// A convolution with constant weights, per-image channel scales on both sides and StyleGAN2's
// epilogue, recorded as one op. A projection differentiates a frozen generator with respect to its
// styles and noise maps only: as composed ops each layer costs a dozen passes over its activations
// and stores as many intermediates; as one op the forward pass is the fused inference kernel and the
// backward pass is two passes around the input-gradient convolution. Gradients of gradients go
// through the composed ops, which the tests also check this op against.

/// How an upsampling modulated convolution doubles its input (NVLabs' conv2d_resample with up = 2):
/// a stride-2 transposed convolution with the [out, in] weight seen as [in, out], then the FIR
/// filter with gain 4.
package struct ConvUpsampling: Sendable {
    package let filter: FIRFilter
    /// The transposed convolution's padding.
    package let overlap: Int
    /// The FIR filter's padding.
    package let padding: ResamplePadding

    package init(filter: FIRFilter, overlap: Int, padding: ResamplePadding) {
        self.filter = filter
        self.overlap = overlap
        self.padding = padding
    }
}

/// One scaled convolution's inputs: x [N, I, H, W], the constant weight [O, I, k, k], the scales
/// [N, I] and [N, O], the unscaled noise ([H, W] or [1 or N, 1, H, W]) and the epilogue's constants.
struct ScaledConvInputs {
    let x: Tensor
    let weight: Tensor
    let padding: Int
    let upsampling: ConvUpsampling?
    let inputScale: Tensor?
    let outputScale: Tensor?
    let noise: Tensor?
    let epilogue: ConvEpilogue

    /// The recorded inputs in the VJP's order; a constant stands in for an absent one.
    var recorded: [Tensor] {
        [x, inputScale ?? Tensor.zeros([1]), outputScale ?? Tensor.zeros([1]), noise ?? Tensor.zeros([1])]
    }
}

extension Tensor {
    /// y = clamp(act(conv(x * inputScale, weight) * outputScale + noise * noiseStrength + bias) * gain),
    /// the fused inference convolution's values, with gradients recorded for `self` (x), `inputScale`
    /// [N, I], `outputScale` [N, O] and `noise` ([H, W] or [1 or N, 1, H, W], scaled by the epilogue's
    /// `noiseStrength`). The weight and the epilogue's bias are constants: they must not require
    /// gradients (training differentiates the composed ops). The activation's gain must be positive.
    /// With `upsampling`, the output is twice the input's size and `padding` is unused.
    package func scaledConv2d(_ weight: Tensor, padding: Int, upsampling: ConvUpsampling? = nil, inputScale: Tensor?,
                              outputScale: Tensor?, noise: Tensor?, epilogue: ConvEpilogue) -> Tensor {
        precondition(epilogue.outputScale == nil && epilogue.noise == nil,
                     "scaledConv2d takes its output scale and noise as arguments")
        precondition(!(GradMode.isEnabled && (weight.requiresGrad || (epilogue.bias?.requiresGrad ?? false))),
                     "scaledConv2d differentiates with constant weights; use the composed ops to train them")
        precondition(epilogue.gain > 0 && epilogue.activation.negativeSlope >= 0,
                     "scaledConv2d needs a positive gain and a non-negative slope")
        let inputs = ScaledConvInputs(x: self, weight: weight, padding: padding, upsampling: upsampling,
                                      inputScale: inputScale?.contiguous(), outputScale: outputScale?.contiguous(),
                                      noise: noise?.contiguous(), epilogue: epilogue)
        var y = withoutGradients { Tensor.scaledConvForward(inputs) }
        guard GradMode.isEnabled, inputs.recorded.contains(where: \.requiresGrad) else { return y }
        let output = y
        y.recordHistory("scaledConv2d", inputs: inputs.recorded) { g in
            // A zero output scale hides the convolution's value from the output: only the composed
            // ops can give the scale's gradient then.
            let invertible = inputs.outputScale.map { !$0.scalars.contains(0) } ?? true
            guard !GradMode.isEnabled && invertible else { return Tensor.scaledConvComposedGradients(inputs, g) }
            return Tensor.scaledConvBackward(inputs, output: output, g)
        }
        return y
    }

    /// The forward values, from the fused inference kernels.
    private static func scaledConvForward(_ inputs: ScaledConvInputs) -> Tensor {
        var epilogue = inputs.epilogue
        epilogue.outputScale = inputs.outputScale?.detached()
        epilogue.noise = inputs.noise?.detached()
        let x = inputs.x.detached()
        guard let up = inputs.upsampling else {
            return x.conv2d(inputs.weight, padding: inputs.padding, inputScale: inputs.inputScale?.detached(),
                            epilogue: epilogue)
        }
        let scale = inputs.inputScale?.detached() ?? Tensor.ones([x.shape[0], x.shape[1]])
        return x.transposedConv2d(inputs.weight.permuted([1, 0, 2, 3]), stride: 2, padding: up.overlap, inputScale: scale)
            .filtered2d(up.filter, padding: up.padding, gain: 4, epilogue: epilogue)
    }

    /// The same function as composed differentiable ops (what gradients of gradients run through).
    static func scaledConvComposed(_ inputs: ScaledConvInputs) -> Tensor {
        let (n, inChannels) = (inputs.x.shape[0], inputs.x.shape[1])
        var y = inputs.inputScale.map { inputs.x * $0.reshaped([n, inChannels, 1, 1]) } ?? inputs.x
        if let up = inputs.upsampling {
            y = y.transposedConv2d(inputs.weight.permuted([1, 0, 2, 3]), stride: 2, padding: up.overlap)
                .upfirdn2d(up.filter, padding: up.padding, gain: 4)
        } else {
            y = y.conv2d(inputs.weight, padding: inputs.padding)
        }
        let (outChannels, h, w) = (y.shape[1], y.shape[2], y.shape[3])
        if let scale = inputs.outputScale { y = y * scale.reshaped([n, outChannels, 1, 1]) }
        if let noise = inputs.noise {
            y = y + noise.reshaped([noise.count == h * w ? 1 : n, 1, h, w]) * inputs.epilogue.noiseStrength
        }
        let e = inputs.epilogue
        return y.biasActivation(e.bias, activation: e.activation, gain: e.gain, clamp: e.clamp)
    }

    /// The VJP through the composed ops, recorded when the walk records (gradients of gradients).
    private static func scaledConvComposedGradients(_ inputs: ScaledConvInputs, _ g: Tensor) -> [Tensor?] {
        let recorded = inputs.recorded
        let needed = recorded.enumerated().map { isGradientNeeded($1, index: $0) }
        let wanted = zip(recorded, needed).filter(\.1).map(\.0)
        guard !wanted.isEmpty else { return recorded.map { _ in nil } }
        let createGraph = GradMode.isEnabled
        let y = withGradients { scaledConvComposed(inputs) }
        var grads = gradients(of: y, wrt: wanted, seed: g, createGraph: createGraph).makeIterator()
        return needed.map { $0 ? grads.next() : nil }
    }
}
