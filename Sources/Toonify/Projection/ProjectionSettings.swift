import Foundation

/// The projector's hyperparameters, NVLabs' `projector.py` defaults, and the schedules they give.
public struct ProjectionSettings: Sendable, Equatable {
    /// Optimisation steps.
    public var steps = 1000
    /// Optimise one w per synthesis layer (w+, [numWs, wDim]) instead of one w for all.
    public var wPlus = false
    /// Adam's peak learning rate.
    public var initialLearningRate = 0.1
    /// The w perturbation at step 0, as a fraction of the spread of w (w_std).
    public var initialNoiseFactor = 0.05
    /// Fractions of the run over which the learning rate ramps down (cosine) and up (linear).
    public var learningRateRampDown = 0.25
    public var learningRateRampUp = 0.05
    /// Fraction of the run after which w is no longer perturbed (quadratic ramp to 0).
    public var noiseRampLength = 0.75
    /// Weight of the noise maps' autocorrelation penalty.
    public var noiseRegularizationWeight = 1e5
    /// Latents mapped to estimate w_avg and w_std (NVLabs draws them from RandomState(123)).
    public var wAverageSamples = 10_000
    /// Seed of the initial noise maps and the per-step w perturbations.
    public var seed: UInt32 = 0

    public init() {}

    /// The learning rate at `step`: NVLabs' cosine ramp-down over the last quarter, linear ramp-up over
    /// the first 5%, in double precision as its Python computes it.
    public func learningRate(at step: Int) -> Double {
        let t = Double(step) / Double(steps)
        var ramp = min(1, (1 - t) / learningRateRampDown)
        ramp = 0.5 - 0.5 * cos(ramp * Double.pi)
        ramp *= min(1, t / learningRateRampUp)
        return initialLearningRate * ramp
    }

    /// The standard deviation of the w perturbation at `step`, for a network whose w spread is `wStd`.
    public func wNoiseScale(at step: Int, wStd: Double) -> Double {
        let t = Double(step) / Double(steps)
        let ramp = max(0, 1 - t / noiseRampLength)
        return wStd * initialNoiseFactor * ramp * ramp
    }

    /// Refuses settings no projection can run with; the reason is one phrase.
    public func validate() throws(ProjectionError) {
        guard steps >= 1 else { throw .invalid("steps must be at least 1, not \(steps)") }
        guard wAverageSamples >= 2 else { throw .invalid("w average samples must be at least 2, not \(wAverageSamples)") }
        for (name, value) in [("learning rate", initialLearningRate), ("noise factor", initialNoiseFactor),
                              ("noise regularisation weight", noiseRegularizationWeight)] where !(value.isFinite && value >= 0) {
            throw .invalid("\(name) must be a finite number of 0 or more, not \(value)")
        }
        for (name, value) in [("learning-rate ramp-down", learningRateRampDown), ("learning-rate ramp-up", learningRateRampUp),
                              ("noise ramp", noiseRampLength)] where !(value.isFinite && value > 0) {
            throw .invalid("\(name) length must be a positive fraction, not \(value)")
        }
    }
}

/// Why a projection cannot run.
public enum ProjectionError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)
    /// The target is not an RGB image of the network's resolution.
    case target(String)

    public var description: String {
        switch self {
        case .invalid(let why): "projection: \(why)"
        case .target(let why): "projection target: \(why)"
        }
    }
}
