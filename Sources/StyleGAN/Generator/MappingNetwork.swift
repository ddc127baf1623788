import ToonCore
import ToonNN

/// z (and class label c) -> w, broadcast to every synthesis layer, with optional truncation.
/// Parameter names follow NVLabs: mapping.fc{i}.weight/bias, mapping.embed.*, mapping.w_avg.
struct MappingNetwork: Sendable {
    let config: GeneratorConfig
    let embed: EqualLinear?
    let layers: [EqualLinear]

    init(_ config: GeneratorConfig) {
        self.config = config
        let embedFeatures = config.cDim > 0 ? (config.embedFeatures ?? config.wDim) : 0
        embed = config.cDim > 0 ? EqualLinear("mapping.embed", inFeatures: config.cDim, outFeatures: embedFeatures) : nil
        let hidden = config.mappingFeatures ?? config.wDim
        var features = [config.zDim + embedFeatures]
        features += Array(repeating: hidden, count: config.mappingLayers - 1) + [config.wDim]
        layers = (0..<config.mappingLayers).map { i in
            EqualLinear("mapping.fc\(i)", inFeatures: features[i], outFeatures: features[i + 1],
                        activation: .leakyReLU(slope: 0.2), lrMultiplier: config.mappingLRMultiplier)
        }
    }

    func declare(into spec: inout ParameterSpec) {
        embed?.declare(into: &spec)
        for layer in layers { layer.declare(into: &spec) }
        spec.declare("mapping.w_avg", shape: [config.wDim], .zeros)
    }

    /// z: [N, zDim], c: [N, cDim] or nil -> w: [N, wDim] (before broadcasting and truncation).
    func map(z: Tensor, c: Tensor?, _ p: ParameterStore) -> Tensor {
        var parts: [Tensor] = []
        if config.zDim > 0 { parts.append(z.normalize2ndMoment()) }
        if let embed {
            guard let c else { preconditionFailure("this generator is conditional: a class label is required") }
            parts.append(embed(c, p).normalize2ndMoment())
        }
        var x = parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 1)
        for layer in layers { x = layer(x, p) }
        return x
    }
}
