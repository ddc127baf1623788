import Foundation
import StyleGAN
import ToonNN

/// How a run begins: fresh weights, a snapshot's complete state, or a generator from any
/// checkpoint format (transfer learning: G and G_ema from the file, D fresh).
public enum TrainingStart {
    /// Options for a generator loaded from a file: its architecture, with `preset`'s training settings
    /// and a discriminator of the same widths.
    public static func transferOptions(_ generator: GeneratorConfig, discriminator: DiscriminatorConfig? = nil,
                                       base: TrainingOptions) -> TrainingOptions {
        var options = base
        options.generator = generator
        if let discriminator {
            options.discriminator = discriminator
            options.discriminator.mbstdGroupSize = base.discriminator.mbstdGroupSize
            return options
        }
        options.discriminator.imageResolution = generator.imageResolution
        options.discriminator.imageChannels = generator.imageChannels
        options.discriminator.channelBase = generator.channelBase
        options.discriminator.channelMax = generator.channelMax
        return options
    }

    /// The state to start from for `loaded` generator weights: G and G_ema both the file's; D the
    /// file's when it has one (`discriminator`), else fresh from the seed.
    public static func transferState(_ loaded: Generator, discriminator: ParameterStore? = nil,
                                     options: TrainingOptions) -> TrainingState {
        var state = TrainingState.initial(options)
        if let discriminator { state.discriminator = discriminator }
        // Memory-mapped weights are copied by the first optimizer step that writes them.
        state.generator = loaded.parameters
        state.generatorEMA = loaded.parameters
        return state
    }
}
