import StyleGAN

/// Everything that decides what a training run computes. Written to `training_options.json` and into
/// every snapshot, so a run can be resumed, repeated or inspected without its command line.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var configName: String
    public var generator: GeneratorConfig
    public var discriminator: DiscriminatorConfig
    /// Images per step (each phase sees this many; path length uses batch / plBatchShrink).
    public var batch: Int
    public var generatorLearningRate: Float
    public var discriminatorLearningRate: Float
    /// R1 weight; the penalty is gamma / 2 * |grad D(real)|^2.
    public var r1Gamma: Float
    public var plWeight: Float
    public var plBatchShrink: Int = 2
    public var plDecay: Float = 0.01
    /// Probability that a batch mixes two latents at a random layer.
    public var styleMixing: Float
    /// Lazy regularisation: Greg every `gRegInterval` steps, Dreg every `dRegInterval`.
    public var gRegInterval: Int = 4
    public var dRegInterval: Int = 16
    /// G_ema half-life in thousands of images, and its ramp-up (nil: none) as a fraction of images seen.
    public var emaKimg: Double
    public var emaRampup: Double?
    /// The generator's running average of w (NVLabs w_avg_beta).
    public var wAverageBeta: Float = 0.995
    /// Length of the run, and of a tick (progress line, log, sample grid), in thousands of images.
    public var totalKimg: Double
    public var tickKimg: Double
    /// A snapshot every this many ticks (and at the end).
    public var snapshotTicks: Int
    /// Doubles the data with left-right mirrored copies.
    public var mirror: Bool
    /// Augmentation of everything D sees (nil: none; optional so older snapshots read back).
    public var augment: Augmentation?

    public enum Augmentation: String, Codable, Sendable, CaseIterable {
        /// DiffAugment's colour, translation and cutout, on every image.
        case diffaug
        /// ADA's adaptive 'bgc' pipeline: geometric and colour transforms with a probability p tuned during training.
        case ada
    }
    /// ADA's target for r_t, the mean sign of D's real logits (nil: 0.6, NVLabs' default).
    public var adaTarget: Float?
    public var adaTargetValue: Float { adaTarget ?? 0.6 }
    /// Freeze-D (Mo et al.): D's first this many layers keep their weights (nil: none), for transfer learning.
    public var freezeDiscriminatorLayers: Int?
    /// Images for the sliced Wasserstein distance measured at every snapshot (nil: no metric; images
    /// under 16 px are not measured).
    public var swdImages: Int?
    /// Images a side for FID (pytorch-fid's Inception) at every snapshot (nil: not measured); the
    /// run needs the Inception weights handed to it (`TrainingRun.inception`).
    public var fidImages: Int?
    /// Seeds every random choice of the run: initial weights, latents, noise, data order.
    public var seed: UInt64
    /// Seeds of the sample grid drawn every tick from G_ema.
    public var gridSeeds: [UInt32]

    public var totalImages: Int { Int((totalKimg * 1000).rounded()) }
    public var tickImages: Int { max(Int((tickKimg * 1000).rounded()), 1) }

    public func validate() throws(TrainingError) {
        guard batch >= 1, batch <= 4096 else { throw .config("batch \(batch) is outside 1...4096") }
        let group = min(discriminator.mbstdGroupSize, batch)
        guard batch % group == 0 else { throw .config("batch \(batch) is not a multiple of the minibatch-stddev group \(group)") }
        guard totalKimg > 0, totalKimg.isFinite else { throw .config("--kimg must be above 0") }
        guard tickKimg > 0, tickKimg.isFinite else { throw .config("--tick must be above 0") }
        guard snapshotTicks >= 1 else { throw .config("--snap must be at least 1") }
        guard r1Gamma >= 0, r1Gamma.isFinite else { throw .config("--gamma must be 0 or more") }
        guard adaTargetValue >= 0, adaTargetValue <= 1 else { throw .config("--target must be in 0...1") }
        if let fidImages, fidImages < 2 { throw .config("FID needs 2 or more images a side, not \(fidImages)") }
        if fidImages != nil, generator.imageChannels != 3 { throw .config("FID measures RGB images; these have \(generator.imageChannels) channel(s)") }
        guard generator.imageResolution == discriminator.imageResolution else {
            throw .config("generator (\(generator.imageResolution)px) and discriminator (\(discriminator.imageResolution)px) differ")
        }
        guard generator.cDim == discriminator.labelDimension else {
            throw .config("generator (\(generator.cDim) labels) and discriminator (\(discriminator.labelDimension) labels) differ")
        }
        do { try generator.validate() } catch { throw TrainingError(error) }
        try discriminator.validate()
        try validateStyleGAN1Recipe()
    }
}
