// Views (permuted, sliced, broadcast tensors) share their base's storage; this is where one is
// copied into dense row-major memory, by the ops that need it and by whoever asks.

extension Tensor {
    /// The same values in dense row-major memory: `self` when it already is, else a copy.
    /// Differentiable (the copy's gradient is the output gradient itself).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        var out = contiguousValues()
        if Tensor.shouldRecord(self) { out.recordHistory("contiguous", inputs: [self]) { g in [g] } }
        return out
    }

    /// `contiguous()` without history: what kernels reading dense memory run on.
    @usableFromInline func contiguousValues() -> Tensor {
        guard let strides = viewStrides else { return self }
        let out = Tensor(uninitializedShape: shape)
        guard count > 0 else { return out }
        let src = UncheckedSendable(UnsafePointer(storage.pointer + offset)), dst = UncheckedSendable(out.storage.pointer)
        let inner = shape.last ?? 1, innerStride = strides.last ?? 1
        let outerShape = Array(shape.dropLast()), outerStrides = Array(strides.dropLast())
        // A copy is memory-bound: only large ones are worth waking a second thread for.
        Parallel.forEach(count / Swift.max(inner, 1), grain: Swift.max(1, 65_536 / Swift.max(inner, 1))) { rows in
            for row in rows {
                var rest = row, base = 0
                for d in stride(from: outerShape.count - 1, through: 0, by: -1) {
                    base += (rest % outerShape[d]) * outerStrides[d]
                    rest /= outerShape[d]
                }
                let s = src.value + base, d = dst.value + row * inner
                if innerStride == 1 {
                    d.update(from: s, count: inner)
                } else {
                    for i in 0..<inner { d[i] = s[i * innerStride] }
                }
            }
        }
        return out
    }

    /// What a pure broadcast view repeats: the dense tensor under it, with size 1 along the
    /// broadcast (stride 0) axes; `self` when dense; nil for views that also permute or skip.
    /// Broadcasting ops take it instead of a copy, and broadcast it again themselves.
    var broadcastSource: Tensor? {
        guard let strides = viewStrides else { return self }
        let compact = zip(shape, strides).map { $1 == 0 ? 1 : $0 }
        guard Tensor.isRowMajor(compact, strides) else { return nil }
        return Tensor(shape: compact, storage: storage, offset: offset)
    }
}
