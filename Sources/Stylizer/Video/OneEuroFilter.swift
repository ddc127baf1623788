import Foundation

/// Casiez, Roussel and Vogel's one-euro filter (CHI 2012): an exponential smoother whose cutoff
/// rises with the signal's speed, so a still face does not jitter and a moving one does not lag.
public struct OneEuroFilter: Sendable, Equatable {
    /// Cutoff at rest, in Hz: lower removes more jitter from a still face.
    public var minCutoff: Double
    /// How fast the cutoff rises with speed (per unit of the signal a second): higher lags less.
    public var beta: Double
    /// Cutoff for the speed estimate itself, in Hz.
    public var derivativeCutoff: Double
    private var value: Double?
    private var speed = 0.0

    /// A filter that has seen nothing yet.
    public init(minCutoff: Double, beta: Double, derivativeCutoff: Double = 1) {
        precondition(minCutoff > 0 && beta >= 0 && derivativeCutoff > 0, "one-euro cutoffs must be positive")
        self.minCutoff = minCutoff
        self.beta = beta
        self.derivativeCutoff = derivativeCutoff
    }

    /// The smoothed value after `x`, `interval` seconds after the previous sample; the first sample
    /// passes unchanged.
    public mutating func filter(_ x: Double, interval: Double) -> Double {
        guard let previous = value, interval > 0 else { value = x; return x }
        let rawSpeed = (x - previous) / interval
        speed += Self.alpha(derivativeCutoff, interval) * (rawSpeed - speed)
        let cutoff = minCutoff + beta * abs(speed)
        let smoothed = previous + Self.alpha(cutoff, interval) * (x - previous)
        value = smoothed
        return smoothed
    }

    /// The weight of a new sample for a first-order low-pass at `cutoff` Hz sampled every `interval` s.
    static func alpha(_ cutoff: Double, _ interval: Double) -> Double {
        let tau = 1 / (2 * Double.pi * cutoff)
        return 1 / (1 + tau / interval)
    }
}
