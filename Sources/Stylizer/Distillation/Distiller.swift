import Datasets
import ToonMetrics
import ToonCore
import ToonNN

/// Distils a student from teacher pairs, one step at a time: each step draws a batch of pairs (and
/// mirrors each with probability 1/2), stylizes the real side, and descends on L1 + (1 - MS-SSIM)
/// against the teacher's cartoon, LPIPS-VGG when given, the temporal loss (the mean absolute
/// difference between the student's output for a moved input and its moved output) and the
/// non-saturating adversarial loss of a conditional patch critic, which then takes its own step.
/// Step k's choices come from (seed, k) alone, so a run resumed from a snapshot continues exactly
/// as it would have.
public struct Distiller: Sendable {
    public private(set) var model: StudentModel
    public private(set) var optimizer: Adam
    /// The adversarial loss's critic; nil when its weight is 0.
    public private(set) var critic: DistillCritic?
    /// Steps taken.
    public private(set) var step: Int
    public let settings: DistillSettings
    let pairs: PairedDataset
    let lpips: LPIPS?
    /// The pairs steps draw from (the rest are held out for evaluation).
    public let trainingPairs: Range<Int>

    /// One step's losses (before the update); a loss that is off is 0, R1 nil on steps without it.
    public struct Losses: Sendable, Equatable {
        public var l1: Float = 0
        public var ssim: Float = 0
        public var lpips: Float = 0
        public var temporal: Float = 0
        public var adversarial: Float = 0
        /// The student's weighted sum.
        public var total: Float = 0
        /// The critic's logistic loss.
        public var critic: Float = 0
        public var r1: Float?

        /// The losses by log name (`log.jsonl`, TensorBoard), those that are off left out.
        public func named(_ settings: DistillSettings) -> [(name: String, value: Float)] {
            var list: [(String, Float)] = [("l1", l1), ("ms_ssim_loss", ssim)]
            if settings.lpipsWeight > 0 { list.append(("lpips", lpips)) }
            if settings.temporalWeight > 0 { list.append(("temporal", temporal)) }
            if settings.adversarialWeight > 0 { list += [("adversarial", adversarial), ("critic", critic)] }
            if let r1 { list.append(("r1", r1)) }
            return list + [("total", total)]
        }
    }

    /// Where a resumed run stands.
    public struct Resumed: Sendable {
        public var model: StudentModel
        public var optimizer: Adam
        public var critic: DistillCritic?
        public var step: Int
    }

    /// A new run (`resume` nil: initial weights from the settings' seed) or a resumed one. `lpips` is
    /// required exactly when the settings weigh LPIPS.
    public init(pairs: PairedDataset, trainingPairs: Range<Int>, config: StudentConfig, settings: DistillSettings,
                lpips: LPIPS? = nil, resume: Resumed? = nil) {
        precondition(settings.problem == nil, "distill: \(settings.problem!)")
        precondition(!trainingPairs.isEmpty && trainingPairs.upperBound <= pairs.count, "distill: training pairs \(trainingPairs) of \(pairs.count)")
        precondition((settings.lpipsWeight > 0) == (lpips != nil), "distill: an LPIPS network is needed exactly when its weight is set")
        self.pairs = pairs
        self.trainingPairs = trainingPairs
        self.settings = settings
        self.lpips = lpips
        model = resume?.model ?? StudentModel.initial(config, seed: settings.seed)
        optimizer = resume?.optimizer ?? settings.studentOptimizer
        step = resume?.step ?? 0
        if settings.adversarialWeight > 0 {
            critic = resume?.critic ?? DistillCritic(for: config, settings: settings)
        }
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
        // What the critic sees beside a cartoon; only a run with a critic builds it.
        let condition = critic.map { _ in StudentNetwork.planes(real, degree: degrees) }
        let theta = settings.motion.theta(&random, side: real.shape[2])
        let leaves = model.parameters.requiringGrad()
        let network = model.network, weights = settings, lpips = self.lpips, critic = self.critic
        let (studentLosses, grads, output) = withGradients { () -> (Losses, [String: Tensor], Tensor) in
            var losses = Losses()
            let output = network(real, degree: degrees, leaves)
            let l1 = (output - toon).abs().mean()
            let ssim = 1 - MultiScaleSSIM(dataRange: 2)(output, toon).mean()
            var total = l1 * weights.l1Weight + ssim * weights.ssimWeight
            (losses.l1, losses.ssim) = (l1.scalar, ssim.scalar)
            if let lpips {
                let distance = lpips.distance(output, toon).mean()
                total = total + distance * weights.lpipsWeight
                losses.lpips = distance.scalar
            }
            if weights.temporalWeight > 0 {
                let thetas = Array(repeating: theta, count: count)
                let moved = network(CameraMotion.warp(real, theta: thetas), degree: degrees, leaves)
                let temporal = (moved - CameraMotion.warp(output, theta: thetas)).abs().mean()
                total = total + temporal * weights.temporalWeight
                losses.temporal = temporal.scalar
            }
            if let critic, let condition {
                let adversarial = GANLoss.generator(fakeLogits: critic.logits(condition, output, critic.parameters))
                total = total + adversarial * weights.adversarialWeight
                losses.adversarial = adversarial.scalar
            }
            losses.total = total.scalar
            return (losses, leaves.gradients(of: total, leaves: leaves), output.detached())
        }
        optimizer.step(&model.parameters, gradients: grads)
        var losses = studentLosses
        if let condition {
            (losses.critic, losses.r1) = self.critic!.learn(condition: condition, fakes: output, reals: toon,
                                                            regularize: step % settings.r1Interval == 0, settings: settings)
        }
        step += 1
        return losses
    }
}
