import Foundation
import StyleGAN

/// How a run begins: fresh weights, a snapshot's complete state, or a generator from any
/// checkpoint format (transfer learning: G and G_ema from the file, D fresh).
public enum TrainingStart {
    /// Options for a generator loaded from a file: its architecture, with `preset`'s training settings
    /// and a discriminator of the same widths.
    public static func transferOptions(_ generator: GeneratorConfig, base: TrainingOptions) -> TrainingOptions {
        var options = base
        options.generator = generator
        options.discriminator.imageResolution = generator.imageResolution
        options.discriminator.imageChannels = generator.imageChannels
        options.discriminator.channelBase = generator.channelBase
        options.discriminator.channelMax = generator.channelMax
        return options
    }

    /// The state to start from for `loaded` generator weights: G and G_ema both the file's, D fresh from the seed.
    public static func transferState(_ loaded: Generator, options: TrainingOptions) -> TrainingState {
        var state = TrainingState.initial(options)
        // Memory-mapped weights are copied by the first optimizer step that writes them.
        state.generator = loaded.parameters
        state.generatorEMA = loaded.parameters
        return state
    }
}
