import Datasets
import ToonCore
import ToonNN

/// Distils a student from teacher pairs, one step at a time: each step draws a batch of pairs (and
/// mirrors each with probability 1/2), stylizes the real side, and descends on
/// L1 + (1 - MS-SSIM) against the teacher's cartoon plus the temporal loss, the mean absolute
/// difference between the student's output for a moved input and its moved output. Step k's choices
/// come from (seed, k) alone, so a run resumed from a snapshot continues exactly as it would have.
public struct Distiller: Sendable {
    public private(set) var model: StudentModel
    public private(set) var optimizer: Adam
    /// Steps taken.
    public private(set) var step: Int
    public let settings: DistillSettings
    let pairs: PairedDataset
    /// The pairs steps draw from (the rest are held out for evaluation).
    public let trainingPairs: Range<Int>

    /// One step's losses.
    public struct Losses: Sendable, Equatable {
        public var l1: Float
        public var ssim: Float
        public var temporal: Float
        public var total: Float
    }

    /// A new run (`model` nil: initial weights from the settings' seed) or a resumed one.
    public init(pairs: PairedDataset, trainingPairs: Range<Int>, config: StudentConfig, settings: DistillSettings,
                resume: (model: StudentModel, optimizer: Adam, step: Int)? = nil) {
        precondition(settings.problem == nil, "distill: \(settings.problem!)")
        precondition(!trainingPairs.isEmpty && trainingPairs.upperBound <= pairs.count, "distill: training pairs \(trainingPairs) of \(pairs.count)")
        self.pairs = pairs
        self.trainingPairs = trainingPairs
        self.settings = settings
        model = resume?.model ?? StudentModel.initial(config, seed: settings.seed)
        optimizer = resume?.optimizer ?? Adam(learningRate: settings.learningRate, betas: (0.9, 0.99))
        step = resume?.step ?? 0
    }

    /// Takes one step and returns its losses (before the update).
    public mutating func takeStep() -> Losses {
        var random = SplitMix64(state: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(step) &+ 1)
        let count = min(settings.batchSize, trainingPairs.count)
        let indices = (0..<count).map { _ in trainingPairs.lowerBound + Int(random.next() % UInt64(trainingPairs.count)) }
        let mirror = settings.mirror
        let mirrored = indices.map { _ in mirror && random.next() & 1 == 1 }
        let real = pairs.real.batch(indices, mirrored: mirrored), toon = pairs.toon.batch(indices, mirrored: mirrored)
        let degrees = model.config.degreeInput ? Tensor(shape: [count], scalars: indices.map { pairs.degrees[$0] }) : nil
        let theta = settings.motion.theta(&random, side: real.shape[2])
        let leaves = model.parameters.requiringGrad()
        let network = model.network, weights = settings
        let (losses, grads) = withGradients { () -> (Losses, [String: Tensor]) in
            let output = network(real, degree: degrees, leaves)
            let l1 = (output - toon).abs().mean()
            let ssim = 1 - MultiScaleSSIM(dataRange: 2)(output, toon).mean()
            var total = l1 * weights.l1Weight + ssim * weights.ssimWeight
            var temporal = Tensor(0)
            if weights.temporalWeight > 0 {
                let moved = network(CameraMotion.warp(real, theta: Array(repeating: theta, count: count)), degree: degrees, leaves)
                temporal = (moved - CameraMotion.warp(output, theta: Array(repeating: theta, count: count))).abs().mean()
                total = total + temporal * weights.temporalWeight
            }
            let values = Losses(l1: l1.scalar, ssim: ssim.scalar, temporal: temporal.scalar, total: total.scalar)
            return (values, leaves.gradients(of: total, leaves: leaves))
        }
        optimizer.step(&model.parameters, gradients: grads)
        step += 1
        return losses
    }
}
