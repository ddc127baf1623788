// Reductions. A multi-axis reduction is a sequence of single-axis ones over a [outer, n, inner]
// view, which covers every axis set with one contiguous kernel.

extension Tensor {
    /// Sum over `axes` (all axes when nil).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes)
        var kept = shape
        var out = self.detached()
        for axis in axes {
            out = out.sumAxisValues(axis)
            kept[axis] = 1
        }
        let finalShape = keepDims ? kept : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        out = out.reshapedStorage(to: finalShape)
        if Tensor.shouldRecord(self) {
            let inputShape = shape
            out.recordHistory("sum", inputs: [self]) { g in [g.reshaped(kept).expanded(to: inputShape)] }
        }
        return out
    }

    /// Mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes)
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Maximum over one axis; the gradient flows to every position that attains it.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        guard isContiguous else { return contiguous().max(axis: axis, keepDims: keepDims) }
        let axis = Shape.axis(axis, rank: rank)
        let outer = Shape.count(Array(shape[..<axis])), n = shape[axis], inner = Shape.count(Array(shape[(axis + 1)...]))
        var kept = shape
        kept[axis] = 1
        var out = Tensor(uninitializedShape: kept)
        let src = denseBase, dst = out.storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = -Float.infinity
                for k in 0..<n { best = Swift.max(best, src[(o * n + k) * inner + i]) }
                dst[o * inner + i] = best
            }
        }
        if Tensor.shouldRecord(self) {
            let peak = out.detached()
            out.recordHistory("max", inputs: [self]) { [self] g in
                let hits = self.zipValues(peak) { $0 == $1 ? 1 : 0 }
                let share = hits / hits.sum(axes: [axis], keepDims: true)
                return [g * share]
            }
        }
        if !keepDims { out = out.reshaped(shape.enumerated().filter { $0.offset != axis }.map(\.element)) }
        return out
    }

    private func normalizedAxes(_ axes: [Int]?) -> [Int] {
        guard let axes else { return Array(0..<rank) }
        return Set(axes.map { Shape.axis($0, rank: rank) }).sorted()
    }

    /// Sum over one axis keeping it as size 1, without recording history.
    func sumAxisValues(_ axis: Int) -> Tensor {
        guard isContiguous else { return contiguousValues().sumAxisValues(axis) }
        let outer = Shape.count(Array(shape[..<axis])), n = shape[axis], inner = Shape.count(Array(shape[(axis + 1)...]))
        var kept = shape
        kept[axis] = 1
        let out = Tensor(repeating: 0, shape: kept)
        let src = denseBase, dst = out.storage.pointer
        if inner == 1 {
            // Long contiguous runs: accumulate in Double so large sums keep float32 accuracy.
            Parallel.forEach(outer, grain: Swift.max(1, 32_768 / Swift.max(n, 1))) { rows in
                for o in rows {
                    var acc: Double = 0
                    let row = src + o * n
                    var k = 0
                    while k + 8 <= n {
                        var part: Float = 0
                        for j in 0..<8 { part += row[k + j] }
                        acc += Double(part)
                        k += 8
                    }
                    while k < n { acc += Double(row[k]); k += 1 }
                    dst[o] = Float(acc)
                }
            }
        } else {
            Parallel.forEach(outer * ((inner + 1023) / 1024), grain: 1) { blocks in
                let blocksPerRow = (inner + 1023) / 1024
                for block in blocks {
                    let o = block / blocksPerRow, lo = (block % blocksPerRow) * 1024, hi = Swift.min(inner, lo + 1024)
                    let d = dst + o * inner
                    for k in 0..<n {
                        let s = src + (o * n + k) * inner
                        for i in lo..<hi { d[i] += s[i] }
                    }
                }
            }
        }
        return out
    }
}
