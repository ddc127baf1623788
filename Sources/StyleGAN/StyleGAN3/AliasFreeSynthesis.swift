import ToonCore
import ToonNN

/// ws -> image for StyleGAN3 (NVLabs SynthesisNetwork of networks_stylegan3.py): the Fourier
/// input reads ws[0], each layer the next w, and the toRGB output is scaled by `outputScale`.
/// Inference only: it records no gradients.
struct AliasFreeSynthesis: Sendable {
    let config: AliasFreeConfig
    let layout: AliasFreeLayout
    let input: FourierInput
    let layers: [AliasFreeLayer]

    init(_ config: GeneratorConfig, _ aliasFree: AliasFreeConfig) {
        self.config = aliasFree
        layout = AliasFreeLayout(config, aliasFree)
        input = FourierInput(layout.input, wDim: config.wDim)
        layers = layout.layers.map { AliasFreeLayer($0, wDim: config.wDim, convClamp: config.convClamp) }
    }

    func declare(into spec: inout ParameterSpec) {
        input.declare(into: &spec)
        for layer in layers { layer.declare(into: &spec) }
    }

    /// ws: [N, numWs, wDim] -> image [N, imageChannels, R, R].
    func synthesize(ws: Tensor, _ p: ParameterStore, implementation: UpFirDnImplementation = .fast) -> Tensor {
        withoutGradients {
            let (n, wDim) = (ws.shape[0], ws.shape[2])
            func w(_ i: Int) -> Tensor { ws.slice(axis: 1, i..<(i + 1)).reshaped([n, wDim]) }
            var x = input(w(0), p)
            for (i, layer) in layers.enumerated() { x = layer(x, w: w(i + 1), p, implementation: implementation) }
            return x * config.outputScale
        }
    }
}

extension GeneratorConfig {
    /// StyleGAN3 only: each layer's output size and channels, in order (the last is the toRGB).
    public var styleGAN3Layers: [(size: Int, channels: Int)]? {
        aliasFree.map { AliasFreeLayout(self, $0).layers.map { ($0.outSize, $0.outChannels) } }
    }
}
