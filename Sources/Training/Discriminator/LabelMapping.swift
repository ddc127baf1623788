import ToonCore
import ToonNN

/// A conditional D's label network (NVLabs builds it as a `MappingNetwork` with z_dim 0): c is
/// embedded, normalised to unit second moment and passed through fully connected layers at the
/// mapping's 0.01 learning-rate multiplier, giving cmap, which the epilogue projects its features on.
/// Names are NVLabs': mapping.embed.*, mapping.fc{i}.*; there is no w_avg (w_avg_beta is None).
struct LabelMapping: Sendable {
    let embed: EqualLinear
    let layers: [EqualLinear]

    init(config: DiscriminatorConfig) {
        let cmap = config.labelMapDimension
        embed = EqualLinear("mapping.embed", inFeatures: config.labelDimension, outFeatures: cmap)
        layers = (0..<config.labelMappingLayers).map { i in
            EqualLinear("mapping.fc\(i)", inFeatures: cmap, outFeatures: cmap, activation: .leakyReLU(slope: 0.2), lrMultiplier: 0.01)
        }
    }

    func declare(into spec: inout ParameterSpec) {
        embed.declare(into: &spec)
        for layer in layers { layer.declare(into: &spec) }
    }

    /// c: [N, cDim] -> cmap: [N, cmapDim].
    func callAsFunction(_ c: Tensor, _ p: ParameterStore) -> Tensor {
        var x = embed(c, p).normalize2ndMoment()
        for layer in layers { x = layer(x, p) }
        return x
    }
}
