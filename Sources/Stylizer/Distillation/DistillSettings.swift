import ToonCore

/// How a student is distilled from teacher pairs: batch, optimiser and the weights of the losses.
public struct DistillSettings: Sendable, Equatable, Codable {
    /// Pairs per step.
    public var batchSize = 8
    /// Adam's learning rate (betas 0.9, 0.99).
    public var learningRate: Float = 0.002
    /// Weight of the mean absolute difference from the teacher's cartoon.
    public var l1Weight: Float = 1
    /// Weight of 1 - MS-SSIM against the teacher's cartoon.
    public var ssimWeight: Float = 1
    /// Weight of the temporal loss: the output of a moved input against the moved output.
    public var temporalWeight: Float = 1
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
        for (name, weight) in [("L1", l1Weight), ("MS-SSIM", ssimWeight), ("temporal", temporalWeight)] where !(weight.isFinite && weight >= 0) {
            return "the \(name) weight must be a non-negative number, not \(weight)"
        }
        return nil
    }
}
