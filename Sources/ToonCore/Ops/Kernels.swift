/// Loop kernels shared by the elementwise ops. Each runs over contiguous memory so the compiler
/// vectorises it, and splits large tensors across cores.
extension Tensor {
    /// out[i] = f(self[i]) as a new tensor, without recording history.
    @inline(__always) func mapValues(_ f: (Float) -> Float) -> Tensor {
        guard isContiguous else { return contiguousValues().mapValues(f) }
        var out = Tensor(uninitializedShape: shape)
        let src = denseBase
        let dst = out.storage.pointer
        Parallel.forEach(count) { range in
            for i in range { dst[i] = f(src[i]) }
        }
        out.node = nil
        return out
    }

    /// out = f(self, other) with NumPy broadcasting, without recording history.
    @inline(__always) func zipValues(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        guard isContiguous && other.isContiguous else {
            // A broadcast view (a sum's gradient, an expanded constant) is read as what it repeats.
            if let a = broadcastSource, let b = other.broadcastSource,
               Shape.broadcast(a.shape, b.shape) == Shape.broadcast(shape, other.shape) {
                return a.zipValues(b, f)
            }
            return contiguousValues().zipValues(other.contiguousValues(), f)
        }
        if shape == other.shape {
            var out = Tensor(uninitializedShape: shape)
            let a = denseBase, b = other.denseBase
            let dst = out.storage.pointer
            Parallel.forEach(count) { range in
                for i in range { dst[i] = f(a[i], b[i]) }
            }
            out.node = nil
            return out
        }
        guard let outShape = Shape.broadcast(shape, other.shape) else {
            preconditionFailure("shapes \(shape) and \(other.shape) do not broadcast")
        }
        let plan = BroadcastPlan(outShape: outShape, shape, other.shape)
        let out = Tensor(uninitializedShape: outShape)
        let a = denseBase, b = other.denseBase
        let dst = out.storage.pointer
        let inner = plan.inner, sa = plan.innerStrideA, sb = plan.innerStrideB
        Parallel.forEach(plan.outerCount, grain: Swift.max(1, 32_768 / Swift.max(inner, 1))) { rows in
            for row in rows {
                let (oa, ob) = plan.offsets(ofRow: row)
                let pa = a + oa, pb = b + ob, pd = dst + row * inner
                switch (sa, sb) {
                case (1, 1): for i in 0..<inner { pd[i] = f(pa[i], pb[i]) }
                case (1, 0): let vb = pb[0]; for i in 0..<inner { pd[i] = f(pa[i], vb) }
                case (0, 1): let va = pa[0]; for i in 0..<inner { pd[i] = f(va, pb[i]) }
                default: let v = f(pa[0], pb[0]); for i in 0..<inner { pd[i] = v }
                }
            }
        }
        return out
    }
}

/// How two broadcast operands map onto the output: the output is walked as rows of its innermost
/// run of axes in which each operand is either contiguous or constant.
struct BroadcastPlan {
    let inner: Int
    let innerStrideA: Int
    let innerStrideB: Int
    let outerCount: Int
    private let outerShape: [Int]
    private let outerStridesA: [Int]
    private let outerStridesB: [Int]

    init(outShape: [Int], _ a: [Int], _ b: [Int]) {
        let rank = outShape.count
        func padded(_ s: [Int]) -> [Int] { [Int](repeating: 1, count: rank - s.count) + s }
        let pa = padded(a), pb = padded(b)
        // Strides with 0 on broadcast axes.
        func bstrides(_ s: [Int]) -> [Int] {
            let st = Shape.strides(s)
            return (0..<rank).map { s[$0] == 1 && outShape[$0] != 1 ? 0 : st[$0] }
        }
        let sa = bstrides(pa), sb = bstrides(pb)
        // Grow the inner block from the last axis while both operands keep one kind (full or broadcast).
        var inner = 1
        var axis = rank
        var kinds: (Int, Int)?
        while axis > 0 {
            let d = axis - 1
            if outShape[d] == 1 { axis -= 1; continue }
            let k = (sa[d] == 0 ? 0 : 1, sb[d] == 0 ? 0 : 1)
            if let kinds, kinds != k { break }
            kinds = k
            inner *= outShape[d]
            axis -= 1
        }
        self.inner = inner
        self.innerStrideA = kinds?.0 ?? 1
        self.innerStrideB = kinds?.1 ?? 1
        self.outerShape = Array(outShape[0..<axis])
        self.outerStridesA = Array(sa[0..<axis])
        self.outerStridesB = Array(sb[0..<axis])
        self.outerCount = Shape.count(outerShape)
    }

    @inline(__always) func offsets(ofRow row: Int) -> (Int, Int) {
        var rest = row, oa = 0, ob = 0
        for d in stride(from: outerShape.count - 1, through: 0, by: -1) {
            let i = rest % outerShape[d]
            rest /= outerShape[d]
            oa += i * outerStridesA[d]
            ob += i * outerStridesB[d]
        }
        return (oa, ob)
    }
}
