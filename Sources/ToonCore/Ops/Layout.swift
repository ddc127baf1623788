// Axis permutation, slicing and concatenation: copies with index bookkeeping, each the other's adjoint.

extension Tensor {
    /// Reorders axes: output axis i is input axis `axes[i]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "\(axes) is not a permutation of rank \(rank)")
        let outShape = axes.map { shape[$0] }
        let inStrides = Shape.strides(shape)
        let stridesInOut = axes.map { inStrides[$0] }
        var out = Tensor(uninitializedShape: outShape)
        let src = storage.pointer + offset, dst = out.storage.pointer
        let inner = outShape.last ?? 1, innerStride = stridesInOut.last ?? 1
        let rows = count / Swift.max(inner, 1)
        let outerShape = Array(outShape.dropLast()), outerStrides = Array(stridesInOut.dropLast())
        Parallel.forEach(rows, grain: Swift.max(1, 16_384 / Swift.max(inner, 1))) { range in
            for row in range {
                var rest = row, base = 0
                for d in stride(from: outerShape.count - 1, through: 0, by: -1) {
                    base += (rest % outerShape[d]) * outerStrides[d]
                    rest /= outerShape[d]
                }
                let d = dst + row * inner
                for i in 0..<inner { d[i] = src[base + i * innerStride] }
            }
        }
        if Tensor.shouldRecord(self) {
            var inverse = [Int](repeating: 0, count: rank)
            for (i, a) in axes.enumerated() { inverse[a] = i }
            out.recordHistory("permute", inputs: [self]) { g in [g.permuted(inverse)] }
        }
        return out
    }

    /// Elements `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = Shape.axis(axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) outside \(shape[axis])")
        var outShape = shape
        outShape[axis] = range.count
        let outer = Shape.count(Array(shape[..<axis])), inner = Shape.count(Array(shape[(axis + 1)...]))
        var out: Tensor
        if outer == 1 {
            out = Tensor(shape: outShape, storage: storage, offset: offset + range.lowerBound * inner)
        } else {
            out = Tensor(uninitializedShape: outShape)
            let src = storage.pointer + offset, dst = out.storage.pointer
            let run = range.count * inner
            for o in 0..<outer {
                (dst + o * run).update(from: src + (o * shape[axis] + range.lowerBound) * inner, count: run)
            }
        }
        if Tensor.shouldRecord(self) {
            let full = shape[axis]
            out.recordHistory("slice", inputs: [self]) { g in
                var parts: [Tensor] = []
                if range.lowerBound > 0 {
                    var s = outShape; s[axis] = range.lowerBound; parts.append(.zeros(s))
                }
                parts.append(g)
                if range.upperBound < full {
                    var s = outShape; s[axis] = full - range.upperBound; parts.append(.zeros(s))
                }
                return [Tensor.concatenate(parts, axis: axis)]
            }
        }
        return out
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate of no tensors")
        let first = parts[0]
        let axis = Shape.axis(axis, rank: first.rank)
        for p in parts {
            var a = p.shape, b = first.shape
            a[axis] = 0; b[axis] = 0
            precondition(a == b, "cannot concatenate \(p.shape) with \(first.shape) along axis \(axis)")
        }
        var outShape = first.shape
        outShape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let outer = Shape.count(Array(outShape[..<axis])), inner = Shape.count(Array(outShape[(axis + 1)...]))
        var out = Tensor(uninitializedShape: outShape)
        let dst = out.storage.pointer
        var start = 0
        for p in parts {
            let run = p.shape[axis] * inner
            let src = p.storage.pointer + p.offset
            for o in 0..<outer {
                (dst + o * outShape[axis] * inner + start * inner).update(from: src + o * run, count: run)
            }
            start += p.shape[axis]
        }
        if parts.contains(where: { $0.requiresGrad }) && GradMode.isEnabled {
            let sizes = parts.map { $0.shape[axis] }
            out.recordHistory("concatenate", inputs: parts) { g in
                var lower = 0
                return sizes.map { n in
                    defer { lower += n }
                    return g.slice(axis: axis, lower..<(lower + n))
                }
            }
        }
        return out
    }
}

extension Tensor {
    /// Reverses the order of elements along `axes` (a flip is its own adjoint).
    public func flipped(axes: [Int]) -> Tensor {
        let axes = Set(axes.map { Shape.axis($0, rank: rank) })
        let strides = Shape.strides(shape)
        var out = Tensor(uninitializedShape: shape)
        let src = storage.pointer + offset, dst = out.storage.pointer
        for i in 0..<count {
            var rest = i, source = 0
            for d in stride(from: rank - 1, through: 0, by: -1) {
                let index = rest % shape[d]
                rest /= shape[d]
                source += (axes.contains(d) ? shape[d] - 1 - index : index) * strides[d]
            }
            dst[i] = src[source]
        }
        if Tensor.shouldRecord(self) {
            out.recordHistory("flip", inputs: [self]) { g in [g.flipped(axes: Array(axes))] }
        }
        return out
    }
}
