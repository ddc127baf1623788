import StyleGAN
import ToonCore
import ToonNN

/// Everything a run carries from step to step. A snapshot stores all of it, so a resumed run
/// continues bit for bit (NVLabs' resume keeps only the weights).
public struct TrainingState: Sendable {
    /// G, its moving average G_ema and D, by NVLabs' parameter names (G's buffers included).
    public var generator: ParameterStore
    public var generatorEMA: ParameterStore
    public var discriminator: ParameterStore
    public var generatorOptimizer: Adam
    public var discriminatorOptimizer: Adam
    /// Batches done, and images shown to D so far.
    public var step: Int
    public var imagesSeen: Int
    /// Running mean of path lengths (NVLabs pl_mean).
    public var plMean: Float
    /// Augmentation probability (ADA's p; 0 without augmentation).
    public var augmentP: Float
    /// Sum and count of sign(D(real logit)) since ADA's last adjustment of p (NVLabs' Loss/signs/real).
    public var augmentSignSum: Int = 0
    public var augmentSignCount: Int = 0
    /// Ticks done.
    public var tick: Int

    /// Fresh weights from the run's seed (G from seed, D from seed + 1), G_ema a copy of G. The
    /// options must be valid (`TrainingOptions.validate()`).
    public static func initial(_ options: TrainingOptions) -> TrainingState {
        let generator = Generator.spec(options.generator).initialize(seed: options.seed)
        let discriminator = try! Discriminator(options.discriminator).spec.initialize(seed: options.seed &+ 1)
        return TrainingState(generator: generator, generatorEMA: generator, discriminator: discriminator,
                             generatorOptimizer: Self.optimizer(options.generatorLearningRate, interval: options.gRegInterval, options),
                             discriminatorOptimizer: Self.optimizer(options.discriminatorLearningRate, interval: options.dRegInterval, options),
                             step: 0, imagesSeen: 0, plMean: 0, augmentP: 0, tick: 0)
    }

    /// Adam (0, 0.99) with NVLabs' lazy-regularisation correction: with a regulariser every k steps,
    /// lr and betas are raised to k / (k + 1) so the extra steps do not speed the optimizer up.
    static func optimizer(_ learningRate: Float, interval: Int) -> Adam {
        let ratio = Float(interval) / Float(interval + 1)
        return Adam(learningRate: learningRate * ratio, betas: (0, Float(0.99).pow(ratio)), epsilon: 1e-8)
    }
}

private extension Float {
    func pow(_ e: Float) -> Float { Float(Foundation.pow(Double(self), Double(e))) }
}

import Foundation
