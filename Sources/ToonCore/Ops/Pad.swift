// Constant padding on any axes. Negative amounts crop, so the VJP is the same op with the amounts
// negated (padding and cropping are each other's adjoints), and it differentiates again for free.

extension Tensor {
    /// Pads (or, for negative amounts, crops) each axis by `pads[axis] = (before, after)` elements,
    /// filling new elements with `value`. `pads` has one pair per axis, outermost first.
    public func padded(_ pads: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        precondition(pads.count == rank, "padded needs \(rank) (before, after) pairs for \(shape), got \(pads.count)")
        let outShape = (0..<rank).map { shape[$0] + pads[$0].before + pads[$0].after }
        precondition(outShape.allSatisfy { $0 >= 0 }, "padding \(pads) crops \(shape) below zero")
        var out = paddedValues(pads, outShape: outShape, value: value)
        if Tensor.shouldRecord(self) {
            let inverse = pads.map { (before: -$0.before, after: -$0.after) }
            out.recordHistory("pad", inputs: [self]) { g in [g.padded(inverse)] }
        }
        return out
    }

    /// Pads (or crops) one axis.
    public func padded(axis: Int, before: Int, after: Int, value: Float = 0) -> Tensor {
        let axis = Shape.axis(axis, rank: rank)
        return padded((0..<rank).map { $0 == axis ? (before, after) : (0, 0) }, value: value)
    }

    private func paddedValues(_ pads: [(before: Int, after: Int)], outShape: [Int], value: Float) -> Tensor {
        guard isContiguous else { return contiguousValues().paddedValues(pads, outShape: outShape, value: value) }
        var out = Tensor(uninitializedShape: outShape)
        guard out.count > 0 else { return out }
        if rank == 0 {
            out = Tensor(scalar)
            return out
        }
        let src = denseBase, dst = out.storage.pointer
        let lastIn = shape[rank - 1], lastOut = outShape[rank - 1], before = pads[rank - 1].before
        // Output columns [lo, hi) come from input columns [lo - before, hi - before).
        let lo = Swift.max(0, before), hi = Swift.min(lastOut, before + lastIn)
        let leadOut = Array(outShape.dropLast()), leadIn = Array(shape.dropLast())
        let inStrides = Shape.strides(leadIn)
        let rows = out.count / lastOut
        Parallel.forEach(rows, grain: Swift.max(1, 32_768 / lastOut)) { range in
            for row in range {
                let d = dst + row * lastOut
                var rest = row, source = 0, inside = true
                for axis in stride(from: leadOut.count - 1, through: 0, by: -1) {
                    let o = rest % leadOut[axis]
                    rest /= leadOut[axis]
                    let i = o - pads[axis].before
                    if i < 0 || i >= leadIn[axis] { inside = false; break }
                    source += i * inStrides[axis]
                }
                guard inside, lo < hi else { d.initialize(repeating: value, count: lastOut); continue }
                if lo > 0 { d.initialize(repeating: value, count: lo) }
                (d + lo).update(from: src + source * lastIn + (lo - before), count: hi - lo)
                if hi < lastOut { (d + hi).initialize(repeating: value, count: lastOut - hi) }
            }
        }
        return out
    }
}
