import ToonCore
import ToonNN

/// z (and labels) -> w for the original StyleGAN (NVlabs/stylegan `G_mapping`). It differs from
/// StyleGAN2's mapping in where the gain sits: v1 scales the weight by sqrt(2) / sqrt(fan_in) and
/// applies the leaky ReLU without a gain, so the bias is not scaled by sqrt(2). Labels are embedded
/// by a plain (not equalized) matrix and concatenated to z before the pixel norm.
/// Names: mapping.fc{i}.weight [out, in], mapping.fc{i}.bias, mapping.label_concat.weight
/// [labels, z] (TF's layout), mapping.w_avg (G_style's dlatent_avg).
struct StyleMapping: Sendable {
    let config: GeneratorConfig
    let settings: StyleGAN1Config
    let features: [Int]

    init(_ config: GeneratorConfig, _ settings: StyleGAN1Config) {
        self.config = config
        self.settings = settings
        let hidden = config.mappingFeatures ?? 512
        let input = config.zDim + (config.cDim > 0 ? config.zDim : 0)
        features = [input] + Array(repeating: hidden, count: config.mappingLayers - 1) + [config.wDim]
    }

    func declare(into spec: inout ParameterSpec) {
        if config.cDim > 0 { spec.declare("mapping.label_concat.weight", shape: [config.cDim, config.zDim], .normal(scale: 1)) }
        let lrMultiplier = config.mappingLRMultiplier
        for i in 0..<config.mappingLayers {
            let initScale = settings.mappingWScale ? 1 / lrMultiplier : Float(2).squareRoot() / Float(features[i]).squareRoot() / lrMultiplier
            spec.declare("mapping.fc\(i).weight", shape: [features[i + 1], features[i]], .normal(scale: initScale))
            spec.declare("mapping.fc\(i).bias", shape: [features[i + 1]], .zeros)
        }
        spec.declare("mapping.w_avg", shape: [config.wDim], .zeros)
    }

    /// get_weight's runtime coefficient for a layer with `fanIn` inputs.
    static func weightCoefficient(fanIn: Int, gain: Float, wscale: Bool, lrMultiplier: Float) -> Float {
        wscale ? gain / Float(fanIn).squareRoot() * lrMultiplier : lrMultiplier
    }

    /// z: [N, zDim], c: [N, cDim] or nil -> w: [N, wDim].
    func map(z: Tensor, c: Tensor?, _ p: ParameterStore) -> Tensor {
        var x = z
        if config.cDim > 0 {
            guard let c else { preconditionFailure("this generator is conditional: a class label is required") }
            x = Tensor.concatenate([z, c.matmul(p["mapping.label_concat.weight"])], axis: 1)
        }
        if settings.normalizeLatents { x = x.pixelNorm() }
        let lrMultiplier = config.mappingLRMultiplier
        let activation = settings.mappingNonlinearity.activation
        for i in 0..<config.mappingLayers {
            let coefficient = Self.weightCoefficient(fanIn: features[i], gain: Float(2).squareRoot(),
                                                     wscale: settings.mappingWScale, lrMultiplier: lrMultiplier)
            x = (x.matmul(p["mapping.fc\(i).weight"], transposeOther: true) * coefficient)
                .biasActivation(p["mapping.fc\(i).bias"] * lrMultiplier, activation: activation, gain: 1)
        }
        return x
    }
}
