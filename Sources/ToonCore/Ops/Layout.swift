// Axis permutation and slicing (views: new strides over the same storage), concatenation, flips and
// rolls (copies); slicing and concatenation are each the other's adjoint.

extension Tensor {
    /// Reorders axes: output axis i is input axis `axes[i]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "\(axes) is not a permutation of rank \(rank)")
        let strides = strides
        var out = Tensor(shape: axes.map { shape[$0] }, strides: axes.map { strides[$0] }, storage: storage, offset: offset)
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
        // A view: the same strides, starting `range.lowerBound` steps further along `axis`.
        let strides = strides
        var out = Tensor(shape: outShape, strides: strides, storage: storage,
                         offset: offset + (range.isEmpty ? 0 : range.lowerBound * strides[axis]))
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
        guard parts.allSatisfy(\.isContiguous) else { return concatenate(parts.map { $0.contiguous() }, axis: axis) }
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
            let src = p.denseBase
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
        guard isContiguous else { return contiguous().flipped(axes: axes) }
        let axes = Set(axes.map { Shape.axis($0, rank: rank) })
        let strides = Shape.strides(shape)
        var out = Tensor(uninitializedShape: shape)
        let src = denseBase, dst = out.storage.pointer
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

extension Tensor {
    /// torch.roll along one axis: element i moves to (i + shift) mod n. Made of a slice and a
    /// concatenation, so it differentiates as they do (its adjoint is the roll by -shift).
    public func rolled(by shift: Int, axis: Int) -> Tensor {
        let axis = Shape.axis(axis, rank: rank), n = shape[axis]
        guard n > 0 else { return self }
        let s = ((shift % n) + n) % n
        guard s != 0 else { return self }
        return Tensor.concatenate([slice(axis: axis, (n - s)..<n), slice(axis: axis, 0..<(n - s))], axis: axis)
    }
}
