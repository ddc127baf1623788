import StyleGAN
import ToonCore
import ToonNN

/// NVlabs/stylegan's training recipe (train.py and training_loop.py defaults) for continuing a v1
/// network at its final resolution (lod 0): D_logistic_simplegp (R1 on the reals, gamma 10, in the
/// same step as the logistic loss, not lazily), G_logistic_nonsaturating, style mixing 0.9, no path
/// length regularisation, Adam (0, 0.99, 1e-8) at train.py's per-resolution learning rate, and Gs
/// the moving average of G with a half-life of 10 kimg.
public enum StyleGAN1Recipe {
    /// train.py's `G_lrate_dict` (= `D_lrate_dict`) over training_loop.py's base rate 0.001.
    public static func learningRate(resolution r: Int) -> Float {
        [128: 0.0015, 256: 0.002, 512: 0.003, 1024: 0.003][r] ?? 0.001
    }

    /// train.py's minibatch for its default 8 GPUs (`minibatch_dict`, else `minibatch_base` 32).
    public static func batch(resolution r: Int) -> Int {
        [4: 512, 8: 256, 16: 128, 32: 64, 64: 32][r] ?? 32
    }

    /// Options to continue `generator` with `discriminator` (a D_basic config): the recipe's settings,
    /// `batch` and `gamma` where given, and `base`'s run settings (length, ticks, snapshots, mirror,
    /// metrics, Freeze-D, seed, grid).
    public static func options(generator: GeneratorConfig, discriminator: DiscriminatorConfig, base: TrainingOptions,
                               batch: Int?, gamma: Float?) -> TrainingOptions {
        var options = base
        let r = generator.imageResolution
        options.configName = "stylegan1"
        options.generator = generator
        options.discriminator = discriminator
        options.batch = batch ?? Self.batch(resolution: r)
        options.generatorLearningRate = learningRate(resolution: r)
        options.discriminatorLearningRate = learningRate(resolution: r)
        options.r1Gamma = gamma ?? 10
        options.plWeight = 0
        options.styleMixing = 0.9
        options.gRegInterval = 1
        options.dRegInterval = 1
        options.emaKimg = 10
        options.emaRampup = nil
        options.wAverageBeta = 0.995
        return options
    }

    /// A fresh D_basic for `generator` (a v1 pickle holding Gs alone): networks_stylegan.py's
    /// defaults with the generator's widths.
    public static func discriminator(for generator: GeneratorConfig) -> DiscriminatorConfig {
        var d = DiscriminatorConfig(imageResolution: generator.imageResolution, imageChannels: generator.imageChannels,
                                    channelBase: generator.channelBase, channelMax: generator.channelMax,
                                    cDim: generator.cDim > 0 ? generator.cDim : nil)
        d.styleGAN1 = StyleGAN1DiscriminatorSettings()
        return d
    }
}

extension TrainingOptions {
    /// A v1 generator trains with a v1 D and the v1 recipe only, at lod 0.
    func validateStyleGAN1Recipe() throws(TrainingError) {
        let v1Generator = generator.isStyleGAN1, v1Discriminator = discriminator.styleGAN1 != nil
        guard v1Generator == v1Discriminator else {
            throw .config("a \(generator.generation) generator with a \(v1Discriminator ? "StyleGAN (v1) D_basic" : "StyleGAN2") discriminator")
        }
        guard v1Generator else { return }
        if augment != nil { throw .config("StyleGAN (v1) training has no augmentation (--aug none)") }
        if plWeight != 0 { throw .config("StyleGAN (v1) training has no path length regularisation") }
    }
}

extension TrainingState {
    /// StyleGAN2's lazily corrected Adam, or for the v1 recipe (whose R1 is part of every D step) v1's plain Adam.
    static func optimizer(_ learningRate: Float, interval: Int, _ options: TrainingOptions) -> Adam {
        guard options.generator.isStyleGAN1 else { return optimizer(learningRate, interval: interval) }
        return Adam(learningRate: learningRate, betas: (0, 0.99), epsilon: 1e-8)
    }
}

extension TrainingPhases {
    /// One iteration of training_loop.py at a fixed lod (D_repeats 1): D on D_logistic_simplegp with
    /// Gs updated from G in the same run, then G on G_logistic_nonsaturating.
    func styleGAN1Step(_ state: inout TrainingState, reals: Tensor, realLabels: Tensor?, statistics: inout TickStatistics) {
        let d = styleGAN1Discriminator(&state, reals: reals, realLabels: realLabels)
        statistics.add("loss_D", d.loss)
        statistics.add("D_real", d.real)
        statistics.add("D_fake", d.fake)
        if options.r1Gamma > 0 { statistics.add("r1", d.r1) }
        updateEMA(&state)
        statistics.add("loss_G", generatorMain(&state))
    }

    /// D_logistic_simplegp: mean softplus(D(G(z))) + softplus(-D(x)) + gamma / 2 |dD(x)/dx|^2, one Adam step.
    /// The fake half is differentiated first, so one D graph is alive at a time; the gradients are the sum.
    /// Under data parallelism each rank takes its share of both halves (whole minibatch-stddev groups,
    /// as `DataParallel.problem` asks) and the gradients and statistics are summed before the step.
    func styleGAN1Discriminator(_ state: inout TrainingState, reals: Tensor, realLabels: Tensor?)
        -> (loss: Float, real: Float, fake: Float, r1: Float) {
        let leaves = discriminatorLeaves(state.discriminator)
        let fakes = withoutGradients {
            // D_logistic_simplegp gives G the reals' labels; G_logistic_nonsaturating draws its own.
            runGenerator(&state.generator, trainable: nil, batch: options.batch, step: state.step, Self.dMainLatents, labels: realLabels)
        }
        let fakeLogits = discriminator(fakes.images, labels: fakes.labels, leaves)
        let fakeLoss = GANLoss.discriminatorFake(fakeLogits)
        var grads = gradients(of: parallel.scaled(fakeLoss), leaves)
        let x = options.r1Gamma > 0 ? reals.requiringGrad() : reals
        let realLogits = discriminator(x, labels: realLabels, leaves)
        var realLoss = GANLoss.discriminatorReal(realLogits)
        var penalty: Float = 0
        if options.r1Gamma > 0 {
            let r1 = GANLoss.r1Penalty(realLogits: realLogits, reals: x)
            penalty = r1.scalar
            realLoss = realLoss + r1 * (options.r1Gamma / 2)
        }
        grads.merge(gradients(of: parallel.scaled(realLoss), leaves), uniquingKeysWith: +)
        let (reduced, sums) = parallel.reduce(grads, order: leaves.names,
                                              extras: [fakeLoss.scalar + realLoss.scalar, realLogits.mean().scalar, fakeLogits.mean().scalar, penalty])
        state.discriminatorOptimizer.step(&state.discriminator, gradients: reduced)
        let means = sums.map { $0 / Float(parallel.size) }
        return (means[0], means[1], means[2], means[3])
    }
}
