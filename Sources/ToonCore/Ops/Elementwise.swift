import Foundation

// Elementwise arithmetic with NumPy broadcasting. Each VJP sums the gradient back to its input's
// shape with `sum(toShape:)`, the one place where broadcasting is undone.

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        var out = a.zipValues(b, +)
        if shouldRecord(a, b) {
            out.recordHistory("add", inputs: [a, b]) { g in [g.sum(toShape: a.shape), g.sum(toShape: b.shape)] }
        }
        return out
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        var out = a.zipValues(b, -)
        if shouldRecord(a, b) {
            out.recordHistory("sub", inputs: [a, b]) { g in [g.sum(toShape: a.shape), (-g).sum(toShape: b.shape)] }
        }
        return out
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        var out = a.zipValues(b, *)
        if shouldRecord(a, b) {
            out.recordHistory("mul", inputs: [a, b]) { g in
                [isGradientNeeded(a, index: 0) ? (g * b).sum(toShape: a.shape) : nil,
                 isGradientNeeded(b, index: 1) ? (g * a).sum(toShape: b.shape) : nil]
            }
        }
        return out
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        var out = a.zipValues(b, /)
        if shouldRecord(a, b) {
            out.recordHistory("div", inputs: [a, b]) { g in
                [isGradientNeeded(a, index: 0) ? (g / b).sum(toShape: a.shape) : nil,
                 isGradientNeeded(b, index: 1) ? (-(g * a) / (b * b)).sum(toShape: b.shape) : nil]
            }
        }
        return out
    }

    public static prefix func - (a: Tensor) -> Tensor {
        var out = a.mapValues { -$0 }
        if shouldRecord(a) { out.recordHistory("neg", inputs: [a]) { g in [-g] } }
        return out
    }

    public static func + (a: Tensor, s: Float) -> Tensor {
        var out = a.mapValues { $0 + s }
        if shouldRecord(a) { out.recordHistory("addScalar", inputs: [a]) { g in [g] } }
        return out
    }

    public static func * (a: Tensor, s: Float) -> Tensor {
        var out = a.mapValues { $0 * s }
        if shouldRecord(a) { out.recordHistory("mulScalar", inputs: [a]) { g in [g * s] } }
        return out
    }

    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func - (s: Float, a: Tensor) -> Tensor { -a + s }

    /// Elementwise larger of two tensors; the gradient goes to the larger (to `self` on ties).
    public func maximum(_ other: Tensor) -> Tensor {
        var out = zipValues(other) { Swift.max($0, $1) }
        if Tensor.shouldRecord(self, other) {
            out.recordHistory("maximum", inputs: [self, other]) { [self] g in
                let pick = self.zipValues(other) { $0 >= $1 ? 1 : 0 }
                return [(g * pick).sum(toShape: self.shape), (g * (1 - pick)).sum(toShape: other.shape)]
            }
        }
        return out
    }

    /// Elementwise smaller of two tensors; the gradient goes to the smaller (to `self` on ties).
    public func minimum(_ other: Tensor) -> Tensor {
        var out = zipValues(other) { Swift.min($0, $1) }
        if Tensor.shouldRecord(self, other) {
            out.recordHistory("minimum", inputs: [self, other]) { [self] g in
                let pick = self.zipValues(other) { $0 <= $1 ? 1 : 0 }
                return [(g * pick).sum(toShape: self.shape), (g * (1 - pick)).sum(toShape: other.shape)]
            }
        }
        return out
    }
}
