import Foundation

// Unary math. VJPs recompute what they need from the input rather than capturing the output,
// so no node ever references itself, and second derivatives stay exact.

extension Tensor {
    public func exp() -> Tensor {
        var out = mapValues { Foundation.exp($0) }
        if Tensor.shouldRecord(self) { out.recordHistory("exp", inputs: [self]) { [self] g in [g * self.exp()] } }
        return out
    }

    public func log() -> Tensor {
        var out = mapValues { Foundation.log($0) }
        if Tensor.shouldRecord(self) { out.recordHistory("log", inputs: [self]) { [self] g in [g / self] } }
        return out
    }

    public func sqrt() -> Tensor {
        var out = mapValues { $0.squareRoot() }
        if Tensor.shouldRecord(self) {
            out.recordHistory("sqrt", inputs: [self]) { [self] g in [g * self.rsqrt() * 0.5] }
        }
        return out
    }

    /// 1 / sqrt(x).
    public func rsqrt() -> Tensor {
        var out = mapValues { 1 / $0.squareRoot() }
        if Tensor.shouldRecord(self) {
            out.recordHistory("rsqrt", inputs: [self]) { [self] g in [g * self.rsqrt() / self * -0.5] }
        }
        return out
    }

    public func square() -> Tensor {
        var out = mapValues { $0 * $0 }
        if Tensor.shouldRecord(self) { out.recordHistory("square", inputs: [self]) { [self] g in [g * self * 2] } }
        return out
    }

    /// x raised to a constant power.
    public func pow(_ p: Float) -> Tensor {
        var out = mapValues { Foundation.pow($0, p) }
        if Tensor.shouldRecord(self) {
            out.recordHistory("pow", inputs: [self]) { [self] g in [g * self.pow(p - 1) * p] }
        }
        return out
    }

    public func abs() -> Tensor {
        var out = mapValues { Swift.abs($0) }
        if Tensor.shouldRecord(self) {
            out.recordHistory("abs", inputs: [self]) { [self] g in [g * self.mapValues { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }] }
        }
        return out
    }

    public func sigmoid() -> Tensor {
        var out = mapValues { 1 / (1 + Foundation.exp(-$0)) }
        if Tensor.shouldRecord(self) {
            out.recordHistory("sigmoid", inputs: [self]) { [self] g in
                let s = self.sigmoid()
                return [g * s * (1 - s)]
            }
        }
        return out
    }

    public func tanh() -> Tensor {
        var out = mapValues { Foundation.tanh($0) }
        if Tensor.shouldRecord(self) {
            out.recordHistory("tanh", inputs: [self]) { [self] g in [g * (1 - self.tanh().square())] }
        }
        return out
    }

    /// log(1 + exp(x)), computed without overflow for large x.
    public func softplus() -> Tensor {
        var out = mapValues { x in Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }
        if Tensor.shouldRecord(self) {
            out.recordHistory("softplus", inputs: [self]) { [self] g in [g * self.sigmoid()] }
        }
        return out
    }

    /// Limits values to `lower...upper`; the gradient is zero where a bound was applied.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        let lo = range.lowerBound, hi = range.upperBound
        var out = mapValues { Swift.min(Swift.max($0, lo), hi) }
        if Tensor.shouldRecord(self) {
            out.recordHistory("clamp", inputs: [self]) { [self] g in
                [g * self.mapValues { $0 >= lo && $0 <= hi ? 1 : 0 }]
            }
        }
        return out
    }

    /// Leaky ReLU: x for x > 0, `slope * x` otherwise.
    public func leakyReLU(slope: Float = 0.2) -> Tensor {
        var out = mapValues { $0 > 0 ? $0 : $0 * slope }
        if Tensor.shouldRecord(self) {
            out.recordHistory("leakyReLU", inputs: [self]) { [self] g in [g * self.mapValues { $0 > 0 ? 1 : slope }] }
        }
        return out
    }

    /// Elementwise comparison mask (1 where true, 0 elsewhere); carries no gradient.
    public func mask(_ predicate: (Float) -> Bool) -> Tensor {
        mapValues { predicate($0) ? 1 : 0 }
    }
}
