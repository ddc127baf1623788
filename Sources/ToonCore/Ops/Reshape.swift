// Shape changes: reshape and broadcast are views or copies with simple adjoint pairs
// (reshape <-> reshape, expand <-> sum(toShape:)).

extension Tensor {
    /// Same elements in a new shape (no copy). One dimension may be -1.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var out = reshapedStorage(to: newShape)
        if Tensor.shouldRecord(self) {
            let original = shape
            out.recordHistory("reshape", inputs: [self]) { g in [g.reshaped(original)] }
        }
        return out
    }

    /// Flattens everything after the first axis: [N, ...] -> [N, rest].
    public func flattenedBatch() -> Tensor { reshaped([shape.first ?? 1, -1]) }

    /// Materialises broadcasting to `target` (NumPy rules).
    public func expanded(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Shape.broadcast(shape, target) == target, "cannot expand \(shape) to \(target)")
        var out = Tensor.zeros(target).zipValues(self) { _, v in v }
        if Tensor.shouldRecord(self) {
            let original = shape
            out.recordHistory("expand", inputs: [self]) { g in [g.sum(toShape: original)] }
        }
        return out
    }

    /// Sums over the axes along which `target` was broadcast to this shape; the adjoint of `expanded(to:)`.
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        precondition(lead >= 0, "cannot sum \(shape) to \(target)")
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }
}
