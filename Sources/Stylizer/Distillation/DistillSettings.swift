import Foundation
import ToonCore
import ToonNN

/// How a student is distilled from teacher pairs: batch, optimiser and the weights of the losses.
public struct DistillSettings: Sendable, Equatable, Codable {
    /// Pairs per step.
    public var batchSize = 8
    /// Adam's learning rate (betas 0.9, 0.99 for the student; the critic's as StyleGAN2 has them).
    public var learningRate: Float = 0.002
    /// Weight of the mean absolute difference from the teacher's cartoon.
    public var l1Weight: Float = 1
    /// Weight of 1 - MS-SSIM against the teacher's cartoon.
    public var ssimWeight: Float = 1
    /// Weight of LPIPS-VGG against the teacher's cartoon (needs the user's VGG16 and LPIPS weights).
    public var lpipsWeight: Float = 0
    /// Weight of the temporal loss: the output of a moved input against the moved output.
    public var temporalWeight: Float = 1
    /// Weight of the non-saturating adversarial loss from a conditional patch critic (0: no critic).
    public var adversarialWeight: Float = 0
    /// The critic's R1 penalty, gamma / 2 * |d critic / d cartoon|^2 on the teacher's cartoons.
    public var r1Gamma: Float = 1
    /// Steps between R1 penalties (lazy regularisation, as StyleGAN2 does it).
    public var r1Interval = 16
    /// The critic's channels at full resolution.
    public var criticWidth = 32
    /// The simulated camera motion of the temporal loss: largest rotation (degrees), shift (fraction of
    /// the side) and zoom beyond the least that covers the frame.
    public var motion = CameraMotion(rotation: 3, shift: 0.03, zoom: 0.05)
    /// Mirror each pair (both sides) with probability 1/2.
    public var mirror = true
    /// Seeds the initial weights and every step's choices (pairs, mirroring, motion).
    public var seed: UInt64 = 0

    public init() {}

    /// The first problem with these numbers, or nil.
    public var problem: String? {
        if !(1...4096).contains(batchSize) { return "batch size must be in 1...4096, not \(batchSize)" }
        if !(learningRate.isFinite && learningRate > 0 && learningRate < 1) { return "learning rate must be in (0, 1), not \(learningRate)" }
        let weights = [("L1", l1Weight), ("MS-SSIM", ssimWeight), ("LPIPS", lpipsWeight), ("temporal", temporalWeight),
                       ("adversarial", adversarialWeight), ("R1", r1Gamma)]
        for (name, weight) in weights where !(weight.isFinite && weight >= 0) {
            return "the \(name) weight must be a non-negative number, not \(weight)"
        }
        if !(1...100_000).contains(r1Interval) { return "the R1 interval must be in 1...100000, not \(r1Interval)" }
        if !(1...256).contains(criticWidth) { return "the critic's width must be in 1...256, not \(criticWidth)" }
        return nil
    }

    /// The student's optimiser.
    var studentOptimizer: Adam { Adam(learningRate: learningRate, betas: (0.9, 0.99)) }

    /// The critic's: StyleGAN2's betas (0, 0.99), with the learning rate and betas corrected for lazy R1
    /// (NVLabs' mb_ratio = interval / (interval + 1)).
    var criticOptimizer: Adam {
        let ratio = r1Gamma > 0 ? Float(r1Interval) / Float(r1Interval + 1) : 1
        return Adam(learningRate: learningRate * ratio, betas: (0, Float(Foundation.pow(0.99, Double(ratio)))), epsilon: 1e-8)
    }
}
