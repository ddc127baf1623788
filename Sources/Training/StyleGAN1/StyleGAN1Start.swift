import Foundation
import StyleGAN
import ToonCore
import ToonIO
import ToonNN

/// `toon train --resume V1.pkl`: continues an NVlabs/stylegan (v1) TF pickle as its own training
/// loop would with `resume_run_id`: G from G, G_ema from Gs, D from D (a fresh D_basic with the
/// generator's widths when the pickle holds Gs alone), fresh optimizers, at lod 0 only.
enum StyleGAN1Start {
    /// The recipe's batch and R1 weight where the command line gives them (nil: train.py's).
    struct Overrides: Sendable {
        var batch: Int?
        var gamma: Float?
    }

    static func state(_ url: URL, gs: Generator, base: TrainingOptions, overrides: Overrides) throws -> (TrainingOptions, TrainingState) {
        let checkpoint: ForeignCheckpoint
        do { checkpoint = try ForeignCheckpoint.load(from: url) } catch { throw TrainingError(error) }
        let g = checkpoint.networks["G"] != nil ? try GeneratorLoader.load(checkpoint, network: "G", url: url).generator : gs
        for (network, parameters) in [("G", g.parameters), ("Gs", gs.parameters)] {
            for name in ["lod", "synthesis.lod"] where parameters[name].scalar != 0 {
                throw lodRefusal(url, network, parameters[name].scalar)
            }
        }
        let loaded = try BasicDiscriminatorLoader.load(checkpoint)
        if let lod = loaded?.1["lod"].scalar, lod != 0 { throw lodRefusal(url, "D", lod) }
        let dConfig = loaded?.0 ?? StyleGAN1Recipe.discriminator(for: gs.config)
        let options = StyleGAN1Recipe.options(generator: gs.config, discriminator: dConfig, base: base,
                                              batch: overrides.batch, gamma: overrides.gamma)
        try options.validate()
        var state = TrainingState.initial(options)
        state.generator = g.parameters
        state.generatorEMA = gs.parameters
        if let d = loaded?.1 { state.discriminator = d }
        return (options, state)
    }

    private static func lodRefusal(_ url: URL, _ network: String, _ lod: Float) -> TrainingError {
        TrainingError(url: url, .config("\(network) is at lod \(lod): resuming a StyleGAN (v1) network trains at lod 0 (its full resolution) only, not mid-way through progressive growing"))
    }
}
