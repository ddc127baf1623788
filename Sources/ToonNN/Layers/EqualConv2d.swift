import ToonCore

/// A convolution with equalized learning rate (StyleGAN's Conv2dLayer without resampling): weights
/// N(0, 1) scaled by 1 / sqrt(fan-in) at run time, "same" padding, bias and activation fused after.
public struct EqualConv2d: Sendable {
    public let name: String
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public let activation: Activation
    public let hasBias: Bool
    /// Clamp of the activations (NVLabs `conv_clamp`), scaled by the layer gain like theirs.
    public let clamp: Float?

    public init(_ name: String, inChannels: Int, outChannels: Int, kernel: Int, activation: Activation = .linear,
                bias: Bool = true, clamp: Float? = nil) {
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.activation = activation
        self.hasBias = bias
        self.clamp = clamp
    }

    public var weightGain: Float { 1 / Float(inChannels * kernel * kernel).squareRoot() }

    public func declare(into spec: inout ParameterSpec) {
        spec.declare("\(name).weight", shape: [outChannels, inChannels, kernel, kernel], .normal(scale: 1))
        if hasBias { spec.declare("\(name).bias", shape: [outChannels], .zeros) }
    }

    /// x: [N, inChannels, H, W] -> [N, outChannels, H, W]; `gain` multiplies the output (and the clamp).
    public func callAsFunction(_ x: Tensor, _ p: ParameterStore, gain: Float = 1) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels, "\(name): input \(x.shape), expected [N, \(inChannels), H, W]")
        if let fused = inference(x, p, gain: gain) {
            return x.conv2d(fused.weight, padding: kernel / 2, inputScale: nil, epilogue: fused.epilogue)
        }
        let w = p["\(name).weight"] * weightGain
        let y = x.conv2d(w, padding: kernel / 2)
        return y.biasActivation(hasBias ? p["\(name).bias"] : nil, activation: activation,
                                gain: activation.defaultGain * gain, clamp: clamp.map { $0 * gain })
    }

    /// The layer over `parts` joined along channels (a U-Net's upsampled features and skip). Without
    /// gradients to record the join is not copied (`Tensor.conv2d(joined:...)`); with them it is the
    /// concatenation, differentiable as ever. Both give the same floats.
    public func callAsFunction(joined parts: [Tensor], _ p: ParameterStore, gain: Float = 1) -> Tensor {
        let channels = parts.reduce(0) { $0 + ($1.rank == 4 ? $1.shape[1] : 0) }
        precondition(channels == inChannels, "\(name): joined inputs \(parts.map(\.shape)), expected \(inChannels) channels")
        if let first = parts.first, !parts.contains(where: { Tensor.shouldRecord($0) }), let fused = inference(first, p, gain: gain) {
            return Tensor.conv2d(joined: parts, fused.weight, padding: kernel / 2, epilogue: fused.epilogue)
        }
        return self(Tensor.concatenate(parts, axis: 1), p, gain: gain)
    }

    /// The same layer at half resolution, as NVLabs' conv2d_resample with down = 2: the FIR filter
    /// first (padded so the strided conv lands on the centres), then a stride-2 convolution. A 1x1
    /// kernel filters and drops every other pixel in one upfirdn2d.
    public func callAsFunction(_ x: Tensor, _ p: ParameterStore, gain: Float = 1, downsampling filter: FIRFilter) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels, "\(name): input \(x.shape), expected [N, \(inChannels), H, W]")
        let w = p["\(name).weight"] * weightGain
        let y: Tensor
        if kernel == 1 {
            y = x.downsample2d(filter).conv2d(w)
        } else {
            let pad = kernel / 2 + floorDiv(filter.width - 1, 2)
            let padY = kernel / 2 + floorDiv(filter.height - 1, 2)
            let extra = ResamplePadding(x0: pad, x1: kernel / 2 + floorDiv(filter.width - 2, 2),
                                        y0: padY, y1: kernel / 2 + floorDiv(filter.height - 2, 2))
            if let fused = inference(x, p, gain: gain) {
                var y = x.upfirdn2d(filter, padding: extra).conv2d(fused.weight, stride: 2)
                y.applyEpilogue(fused.epilogue)
                return y
            }
            y = x.upfirdn2d(filter, padding: extra).conv2d(w, stride: 2)
        }
        return y.biasActivation(hasBias ? p["\(name).bias"] : nil, activation: activation,
                                gain: activation.defaultGain * gain, clamp: clamp.map { $0 * gain })
    }

    /// Without gradients to record: the scaled weight, kept with the weight (so a convolution's
    /// transformed weights are derived once too), and bias, activation, gain and clamp as the
    /// convolution's epilogue. Nil when the call records.
    private func inference(_ x: Tensor, _ p: ParameterStore, gain: Float) -> (weight: Tensor, epilogue: ConvEpilogue)? {
        let weight = p["\(name).weight"], bias = hasBias ? p["\(name).bias"] : nil
        guard !Tensor.shouldRecord(x, weight), !(bias.map { Tensor.shouldRecord($0) } ?? false) else { return nil }
        let gainText = String(weightGain.bitPattern, radix: 16)
        let scaled = weight.derived("equalized learning rate weight, gain 0x\(gainText)") { $0 * weightGain }
        return (scaled, ConvEpilogue(bias: bias, activation: activation, gain: activation.defaultGain * gain,
                                     clamp: clamp.map { $0 * gain }))
    }
}
