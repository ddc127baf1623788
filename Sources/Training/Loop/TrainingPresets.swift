import StyleGAN

/// Named configurations, as NVLabs' `--cfg`: the paper's, their `auto` rule, and small ones that
/// train on a CPU (`tiny` for tests from 16 px, `small` for ToonKit's built-in models).
public enum TrainingPreset: String, CaseIterable, Sendable {
    case auto, tiny, small, paper256, paper512, paper1024

    /// Options for `resolution`-pixel images; `batch` and `gamma` override the preset's own.
    public func options(resolution r: Int, batch: Int? = nil, gamma: Float? = nil, kimg: Double = 25000,
                        tickKimg: Double = 4, snapshotTicks: Int = 50, mirror: Bool = false, seed: UInt64 = 0) -> TrainingOptions {
        var spec = spec(resolution: r)
        if let batch { spec.batch = batch }
        let generator = GeneratorConfig(zDim: spec.latent, wDim: spec.latent, imageResolution: r, mappingLayers: spec.mapping,
                                        channelBase: spec.channelBase, channelMax: spec.channelMax)
        let discriminator = DiscriminatorConfig(imageResolution: r, channelBase: spec.channelBase, channelMax: spec.channelMax,
                                                mbstdGroupSize: min(spec.mbstd, spec.batch))
        return TrainingOptions(
            configName: rawValue, generator: generator, discriminator: discriminator, batch: spec.batch,
            generatorLearningRate: spec.lr, discriminatorLearningRate: spec.lr,
            r1Gamma: gamma ?? spec.gamma ?? 0.0002 * Float(r * r) / Float(spec.batch),
            plWeight: spec.plWeight, styleMixing: spec.styleMixing,
            emaKimg: spec.emaKimg ?? Double(spec.batch) * 10 / 32, emaRampup: spec.emaRampup,
            totalKimg: kimg, tickKimg: tickKimg, snapshotTicks: snapshotTicks, mirror: mirror, augment: nil, freezeDiscriminatorLayers: nil, swdImages: nil, seed: seed,
            gridSeeds: Array(0..<32))
    }

    private struct Spec {
        var batch: Int
        var mbstd: Int
        var channelBase: Int
        var channelMax: Int
        var latent: Int
        var mapping: Int
        var lr: Float
        var gamma: Float?
        var emaKimg: Double?
        var emaRampup: Double?
        var plWeight: Float = 2
        var styleMixing: Float = 0.9
    }

    private func spec(resolution r: Int) -> Spec {
        switch self {
        case .auto:
            // NVLabs stylegan2-ada `auto` for one GPU.
            let batch = max(min(4096 / r, 32), 1)
            return Spec(batch: batch, mbstd: min(batch, 4), channelBase: r >= 512 ? 32768 : 16384, channelMax: 512,
                        latent: 512, mapping: 2, lr: r >= 1024 ? 0.002 : 0.0025, gamma: nil, emaKimg: nil, emaRampup: 0.05)
        case .tiny:
            // Seconds per kimg on a CPU: for tests and experiments, any resolution from 16 px.
            return Spec(batch: 4, mbstd: 2, channelBase: 8 * r, channelMax: 32, latent: 32, mapping: 2, lr: 0.0025,
                        gamma: 0.1, emaKimg: nil, emaRampup: 0.05)
        case .small:
            // ToonKit's built-in models: a few MB, trained in an hour or two on two CPU cores.
            return Spec(batch: 16, mbstd: 4, channelBase: 16 * r, channelMax: 128, latent: 128, mapping: 4, lr: 0.0025,
                        gamma: nil, emaKimg: nil, emaRampup: 0.05)
        case .paper256:
            return Spec(batch: 64, mbstd: 8, channelBase: 16384, channelMax: 512, latent: 512, mapping: 8, lr: 0.0025,
                        gamma: 1, emaKimg: 20, emaRampup: nil)
        case .paper512:
            return Spec(batch: 64, mbstd: 8, channelBase: 32768, channelMax: 512, latent: 512, mapping: 8, lr: 0.0025,
                        gamma: 0.5, emaKimg: 20, emaRampup: nil)
        case .paper1024:
            return Spec(batch: 32, mbstd: 4, channelBase: 32768, channelMax: 512, latent: 512, mapping: 8, lr: 0.002,
                        gamma: 2, emaKimg: 10, emaRampup: nil)
        }
    }
}
