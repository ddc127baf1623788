import ToonCore

/// A fully connected layer with equalized learning rate (StyleGAN's FullyConnectedLayer): weights are
/// stored as N(0, 1) / lrMultiplier and scaled by lrMultiplier / sqrt(inFeatures) at run time, so
/// Adam sees every layer at the same scale.
public struct EqualLinear: Sendable {
    public let name: String
    public let inFeatures: Int
    public let outFeatures: Int
    public let activation: Activation
    public let lrMultiplier: Float
    public let biasInit: Float
    public let hasBias: Bool

    public init(_ name: String, inFeatures: Int, outFeatures: Int, activation: Activation = .linear,
                lrMultiplier: Float = 1, biasInit: Float = 0, bias: Bool = true) {
        self.name = name
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.activation = activation
        self.lrMultiplier = lrMultiplier
        self.biasInit = biasInit
        self.hasBias = bias
    }

    public var weightGain: Float { lrMultiplier / Float(inFeatures).squareRoot() }

    public func declare(into spec: inout ParameterSpec) {
        spec.declare("\(name).weight", shape: [outFeatures, inFeatures], .normal(scale: 1 / lrMultiplier))
        if hasBias { spec.declare("\(name).bias", shape: [outFeatures], .constant(biasInit / lrMultiplier)) }
    }

    /// x: [batch, inFeatures] -> [batch, outFeatures].
    public func callAsFunction(_ x: Tensor, _ p: ParameterStore) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == inFeatures, "\(name): input \(x.shape), expected [N, \(inFeatures)]")
        // The gain scales the product rather than the weight: [N, out] values instead of out x in.
        let b = hasBias ? p["\(name).bias"] * lrMultiplier : nil
        return (x.matmul(p["\(name).weight"], transposeOther: true) * weightGain).biasActivation(b, activation: activation)
    }
}
