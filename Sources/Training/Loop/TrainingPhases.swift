import StyleGAN
import ToonCore
import ToonNN

/// StyleGAN2's four phases (NVLabs `StyleGAN2Loss`): Gmain, Greg (path length), Dmain and Dreg
/// (R1), each a loss, its gradients and one optimizer step. Only the phase's own network records
/// gradients: D's weights are constants in G's phases and G runs as plain inference in D's.
/// In a conditional run every G and D call gets labels: the reals' own, and for fakes `generatedLabels`.
struct TrainingPhases: Sendable {
    let options: TrainingOptions
    let generatorTemplate: Generator
    let discriminator: Discriminator
    let random: TrainingRandom
    /// G's trainable names (everything but w_avg and the noise constants).
    let generatorTrainable: Set<String>
    let augment: Augmenter?
    /// Where fakes' labels come from (nil: an unconditional run).
    let generatedLabels: GeneratedLabels?

    /// What augments every image D sees.
    enum Augmenter: Sendable {
        case diffaug(DiffAugment)
        case ada(AugmentPipe)
    }
    /// D's parameters that Freeze-D keeps fixed.
    let discriminatorFrozen: Set<String>
    /// This process's share of every batch and the sums across ranks (identity alone).
    let parallel: DataParallel

    /// `labels`: every dataset image's label [count, cDim], required when the options are conditional.
    init(options: TrainingOptions, initialGenerator: ParameterStore, labels: Tensor? = nil,
         parallel: DataParallel = .single) throws(TrainingError) {
        if let problem = parallel.problem(with: options) { throw .config(problem) }
        self.options = options
        self.parallel = parallel
        do { generatorTemplate = try Generator(config: options.generator, parameters: initialGenerator) } catch {
            throw TrainingError(error)
        }
        discriminator = try Discriminator(options.discriminator)
        random = TrainingRandom(seed: options.seed)
        if options.generator.cDim > 0 {
            guard let labels, labels.rank == 2, labels.shape[1] == options.generator.cDim, labels.shape[0] > 0 else {
                throw .config("the networks take \(options.generator.cDim) labels, the data has \(labels?.shape[1] ?? 0)")
            }
            generatedLabels = GeneratedLabels(table: labels, random: random)
        } else {
            generatedLabels = nil
        }
        augment = switch options.augment {
        case .diffaug?: .diffaug(DiffAugment(random: random))
        case .ada?: .ada(AugmentPipe(random: random))
        case nil: nil
        }
        discriminatorFrozen = discriminator.frozenNames(firstLayers: options.freezeDiscriminatorLayers ?? 0)
        generatorTrainable = Set(initialGenerator.names.filter { !Generator.isBuffer($0) })
    }

    struct Latents {
        let main: TrainingRandom.Purpose
        let mixing: TrainingRandom.Purpose
        let cutoff: TrainingRandom.Purpose
        let noise: TrainingRandom.Purpose
        let labels: TrainingRandom.Purpose
    }
    static let gMainLatents = Latents(main: .generatorLatents, mixing: .mixingLatents, cutoff: .mixingCutoff, noise: .generatorNoise,
                                      labels: .generatorLabels)
    static let gRegLatents = Latents(main: .regularizerLatents, mixing: .regularizerMixing, cutoff: .regularizerMixingCutoff,
                                     noise: .regularizerNoise, labels: .regularizerLabels)
    static let dMainLatents = Latents(main: .discriminatorLatents, mixing: .discriminatorMixing,
                                      cutoff: .discriminatorMixingCutoff, noise: .discriminatorNoise, labels: .discriminatorLabels)

    /// NVLabs run_G: (z, c) -> ws (with style mixing at one random layer for the whole batch) -> image
    /// with fresh noise. Updates G's w_avg as their mapping does in training mode. `labels` are the
    /// images' c (nil in an unconditional run), for D to see beside them: `labels` where given, else
    /// drawn. `n` is the global batch: under data parallelism everything is drawn for it and this
    /// rank runs its share.
    func runGenerator(_ g: inout ParameterStore, trainable: ParameterStore?, batch n: Int, step: Int,
                      _ purposes: Latents, labels: Tensor? = nil) -> (images: Tensor, ws: Tensor, labels: Tensor?) {
        var net = generatorTemplate
        net.parameters = trainable ?? g
        let zDim = options.generator.zDim
        let c = labels ?? generatedLabels.map { parallel.share($0.draw(n, purposes.labels, step: step)) }
        var ws = net.mapping(z: parallel.share(random.normal([n, zDim], purposes.main, step)), c: c)
        updateWAverage(&g, ws, batch: n)
        if options.styleMixing > 0 {
            var draw = random.stream(purposes.cutoff, step)
            let numWs = net.numWs
            var cutoff = 1 + Int(draw.randomSample() * Double(numWs - 1))
            if draw.randomSample() >= Double(options.styleMixing) { cutoff = numWs }
            if cutoff < numWs {
                let other = net.mapping(z: parallel.share(random.normal([n, zDim], purposes.mixing, step)), c: c)
                ws = Tensor.concatenate([ws.slice(axis: 1, 0..<cutoff), other.slice(axis: 1, cutoff..<numWs)], axis: 1)
            }
        }
        let noise = parallel.noise(seed: random.seed32(purposes.noise, step), total: n)
        return (net.synthesis(ws: ws, noise: noise), ws, c)
    }

    /// w_avg moves toward the mean w of the global batch of `n` (summed across ranks when shared).
    private func updateWAverage(_ g: inout ParameterStore, _ ws: Tensor, batch n: Int) {
        let wDim = options.generator.wDim
        let first = ws.slice(axis: 1, 0..<1).detached().reshaped([ws.shape[0], wDim])
        let mean = parallel.isSharded
            ? Tensor(shape: [wDim], scalars: parallel.sum(first.sum(axes: [0]).scalars).map { $0 / Float(n) })
            : first.mean(axes: [0])
        let old = g["mapping.w_avg"]
        g.update("mapping.w_avg", to: withoutGradients { mean + (old - mean) * options.wAverageBeta })
    }

    /// The generator's parameters with its trainable ones as gradient leaves.
    func generatorLeaves(_ g: ParameterStore) -> ParameterStore {
        ParameterStore(g.pairs.map { ($0.name, generatorTrainable.contains($0.name) ? $0.tensor.requiringGrad() : $0.tensor) })
    }

    /// D's parameters with the trainable ones (all but Freeze-D's) as gradient leaves.
    func discriminatorLeaves(_ d: ParameterStore) -> ParameterStore {
        ParameterStore(d.pairs.map { ($0.name, discriminatorFrozen.contains($0.name) ? $0.tensor : $0.tensor.requiringGrad()) })
    }

    /// Gradients of `loss` for `store`'s leaves, by name.
    func gradients(of loss: Tensor, _ store: ParameterStore, names: Set<String>? = nil) -> [String: Tensor] {
        let pairs = store.pairs.filter { names?.contains($0.name) ?? $0.tensor.requiresGrad }
        let grads = ToonCore.gradients(of: loss, wrt: pairs.map(\.tensor))
        return Dictionary(uniqueKeysWithValues: zip(pairs.map(\.name), grads))
    }

    /// D's logits for `images`, augmented first when the run augments (`call` keeps each D call's draws
    /// apart; ADA applies each transform with probability `augmentP`).
    func discriminate(_ images: Tensor, labels: Tensor?, _ p: ParameterStore, step: Int, call: Int, augmentP: Float) -> Tensor {
        let total = images.shape[0] * parallel.size
        let rows = parallel.isSharded ? parallel.rows(total) : nil
        let seen = switch augment {
        case .diffaug(let diffAugment)?: diffAugment(images, step: step, call: call, rows: rows, total: total)
        case .ada(let pipe)?: pipe(images, probability: augmentP, step: step, call: call, rows: rows, total: total)
        case nil: images
        }
        return discriminator(seen, labels: labels, p)
    }

    /// The sum and count of the signs of D's real logits, as floats for the all-reduce (0 without ADA).
    private func realSigns(_ realLogits: Tensor) -> [Float] {
        guard options.augment == .ada else { return [0, 0] }
        return [Float(AdaptiveProbability.signSum(realLogits)), Float(realLogits.count)]
    }

    /// Adds the batch's real signs (`realSigns`, summed over ranks) to ADA's tally (NVLabs counts
    /// those of Dmain and of Dreg).
    private func tallyRealSigns(_ state: inout TrainingState, _ signs: ArraySlice<Float>) {
        guard options.augment == .ada else { return }
        state.augmentSignSum += Int(signs[signs.startIndex])
        state.augmentSignCount += Int(signs[signs.startIndex + 1])
    }

    /// Sums across ranks of a share's mean (identity alone), as the global batch's mean.
    private func mean(_ shareMeanSum: Float) -> Float { shareMeanSum / Float(parallel.size) }

    /// ADA: after every `AdaptiveProbability.interval` steps, p follows the tally of real signs, which restarts.
    func adjustAugmentProbability(_ state: inout TrainingState) {
        guard options.augment == .ada, state.step % AdaptiveProbability.interval == 0 else { return }
        state.augmentP = AdaptiveProbability.adjusted(state.augmentP, signSum: state.augmentSignSum, signCount: state.augmentSignCount,
                                                      target: options.adaTargetValue, batch: options.batch)
        state.augmentSignSum = 0
        state.augmentSignCount = 0
    }

    // MARK: phases

    /// Gmain: non-saturating loss mean softplus(-D(G(z))).
    func generatorMain(_ state: inout TrainingState) -> Float {
        let leaves = generatorLeaves(state.generator)
        let (images, _, labels) = runGenerator(&state.generator, trainable: leaves, batch: options.batch, step: state.step, Self.gMainLatents)
        let logits = discriminate(images, labels: labels, state.discriminator, step: state.step, call: 0, augmentP: state.augmentP)
        let loss = GANLoss.generator(fakeLogits: logits)
        let (grads, sums) = parallel.reduce(gradients(of: parallel.scaled(loss), leaves, names: generatorTrainable),
                                            order: leaves.names, extras: [loss.scalar])
        state.generatorOptimizer.step(&state.generator, gradients: grads)
        return mean(sums[0])
    }

    /// Greg: path-length regularisation on batch / plBatchShrink images, weighted by the interval.
    func generatorRegularization(_ state: inout TrainingState) -> Float {
        let n = max(options.batch / options.plBatchShrink, 1)
        let leaves = generatorLeaves(state.generator)
        let (images, ws, _) = runGenerator(&state.generator, trainable: leaves, batch: n, step: state.step, Self.gRegLatents)
        let (h, w) = (images.shape[2], images.shape[3])
        let noise = parallel.share(random.normal([n] + images.shape.dropFirst(), .pathLengthNoise, state.step)) * (1 / Float(h * w).squareRoot())
        let wsGrad = ToonCore.gradients(of: (images * noise).sum(), wrt: [ws], createGraph: true)[0]
        let lengths = wsGrad.square().sum(axes: [2]).mean(axes: [1]).sqrt()   // [n] (this rank's share when shared)
        if parallel.isSharded { return sharedPathLength(&state, leaves, lengths, batch: n) }
        // NVLabs lets the penalty differentiate through the updated mean (scaled by the decay).
        let plMean = lengths.mean() * options.plDecay + state.plMean * (1 - options.plDecay)
        state.plMean = plMean.scalar
        let penalty = (lengths - plMean).square() * options.plWeight
        let loss = penalty.mean() * Float(options.gRegInterval)
        let grads = gradients(of: loss, leaves, names: generatorTrainable)
        state.generatorOptimizer.step(&state.generator, gradients: grads)
        return penalty.mean().scalar
    }

    /// Greg on one rank's share of the lengths: the same gradients summed over ranks as one process's.
    /// The penalty mean((l_i - m)^2) differentiates through the new mean m = decay * mean(l) + ..., so
    /// each rank adds its lengths' part of that path weighted by every rank's deviations sum(l_i - m)
    /// (known after one sum), and holds m fixed in its own terms.
    private func sharedPathLength(_ state: inout TrainingState, _ leaves: ParameterStore, _ lengths: Tensor, batch n: Int) -> Float {
        let lengthSum = parallel.sum([lengths.sum().scalar])[0]
        let plMean = lengthSum / Float(n) * options.plDecay + state.plMean * (1 - options.plDecay)
        state.plMean = plMean
        let deviations = lengthSum - Float(n) * plMean
        let penalty = (lengths - plMean).square() * options.plWeight
        let throughMean = lengths.sum() * (-2 * options.plWeight * options.plDecay * deviations / Float(n))
        let loss = (penalty.sum() + throughMean) * (Float(options.gRegInterval) / Float(n))
        let (grads, sums) = parallel.reduce(gradients(of: loss, leaves, names: generatorTrainable), order: leaves.names,
                                            extras: [penalty.sum().scalar])
        state.generatorOptimizer.step(&state.generator, gradients: grads)
        return sums[0] / Float(n)
    }

    /// Dmain: mean softplus(D(G(z))) + mean softplus(-D(x)). Returns (loss, mean real logit, mean fake logit).
    /// The fake half is differentiated before D sees the reals, as NVLabs' Dgen and Dreal are, so one
    /// batch's D graph is alive at a time, not two: the gradients are the halves' sum.
    func discriminatorMain(_ state: inout TrainingState, reals: Tensor, realLabels: Tensor?) -> (loss: Float, real: Float, fake: Float) {
        let leaves = discriminatorLeaves(state.discriminator)
        let fake = discriminatorFakeHalf(&state, leaves)
        let realLogits = discriminate(reals, labels: realLabels, leaves, step: state.step, call: 2, augmentP: state.augmentP)
        let realLoss = GANLoss.discriminatorReal(realLogits)
        let grads = fake.gradients.merging(gradients(of: parallel.scaled(realLoss), leaves), uniquingKeysWith: +)
        let (reduced, sums) = parallel.reduce(grads, order: leaves.names,
                                              extras: [fake.loss, realLoss.scalar, realLogits.mean().scalar, fake.meanLogit] + realSigns(realLogits))
        tallyRealSigns(&state, sums[4...])
        state.discriminatorOptimizer.step(&state.discriminator, gradients: reduced)
        return (mean(sums[0]) + mean(sums[1]), mean(sums[2]), mean(sums[3]))
    }

    /// Dmain's fake half (Dgen): its D gradients, loss and mean logit; its graph ends with the call.
    private func discriminatorFakeHalf(_ state: inout TrainingState, _ leaves: ParameterStore)
        -> (gradients: [String: Tensor], loss: Float, meanLogit: Float) {
        let fakes = withoutGradients {
            runGenerator(&state.generator, trainable: nil, batch: options.batch, step: state.step, Self.dMainLatents)
        }
        let logits = discriminate(fakes.images, labels: fakes.labels, leaves, step: state.step, call: 1, augmentP: state.augmentP)
        let loss = GANLoss.discriminatorFake(logits)
        return (gradients(of: parallel.scaled(loss), leaves), loss.scalar, logits.mean().scalar)
    }

    /// Dreg: R1, gamma / 2 * |dD(x)/dx|^2 on the reals, weighted by the interval.
    func discriminatorRegularization(_ state: inout TrainingState, reals: Tensor, realLabels: Tensor?) -> Float {
        let leaves = discriminatorLeaves(state.discriminator)
        let x = reals.requiringGrad()
        let realLogits = discriminate(x, labels: realLabels, leaves, step: state.step, call: 3, augmentP: state.augmentP)
        let penalty = GANLoss.r1Penalty(realLogits: realLogits, reals: x)
        let loss = parallel.scaled(penalty) * (options.r1Gamma / 2 * Float(options.dRegInterval))
        let (grads, sums) = parallel.reduce(gradients(of: loss, leaves), order: leaves.names, extras: [penalty.scalar] + realSigns(realLogits))
        tallyRealSigns(&state, sums[1...])
        state.discriminatorOptimizer.step(&state.discriminator, gradients: grads)
        return mean(sums[0])
    }

    /// G_ema <- lerp(G, G_ema, beta) with NVLabs' half-life and ramp-up; buffers copied.
    func updateEMA(_ state: inout TrainingState) {
        var emaImages = options.emaKimg * 1000
        if let rampup = options.emaRampup { emaImages = min(emaImages, Double(state.imagesSeen) * rampup) }
        let beta = Float(pow(0.5, Double(options.batch) / max(emaImages, 1e-8)))
        withoutGradients {
            for (name, p) in state.generator.pairs {
                guard generatorTrainable.contains(name) else { state.generatorEMA.update(name, to: p); continue }
                let ema = state.generatorEMA[name]
                state.generatorEMA.update(name, to: p + (ema - p) * beta)
            }
        }
    }
}

import Foundation
