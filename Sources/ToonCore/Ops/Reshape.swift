// Shape changes: reshape and broadcast are views with simple adjoint pairs (reshape <-> reshape,
// expand <-> sum(toShape:)); reshaping a strided view copies it first.

extension Tensor {
    /// Same elements in a new shape (no copy). One dimension may be -1.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        guard isContiguous else { return contiguous().reshaped(newShape) }
        var out = reshapedStorage(to: newShape)
        if Tensor.shouldRecord(self) {
            let original = shape
            out.recordHistory("reshape", inputs: [self]) { g in [g.reshaped(original)] }
        }
        return out
    }

    /// Flattens everything after the first axis: [N, ...] -> [N, rest].
    public func flattenedBatch() -> Tensor { reshaped([shape.first ?? 1, -1]) }

    /// Broadcasts to `target` (NumPy rules) as a view: stride 0 along the broadcast axes, no copy.
    public func expanded(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Shape.broadcast(shape, target) == target, "cannot expand \(shape) to \(target)")
        let lead = target.count - rank, strides = strides
        let viewStrides = target.indices.map { axis in
            axis < lead || (shape[axis - lead] == 1 && target[axis] != 1) ? 0 : strides[axis - lead]
        }
        var out = Tensor(shape: target, strides: viewStrides, storage: storage, offset: offset)
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
