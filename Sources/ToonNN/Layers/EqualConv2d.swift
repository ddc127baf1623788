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
        let w = p["\(name).weight"] * weightGain
        let y = x.conv2d(w, padding: kernel / 2)
        return y.biasActivation(hasBias ? p["\(name).bias"] : nil, activation: activation,
                                gain: activation.defaultGain * gain, clamp: clamp.map { $0 * gain })
    }
}
