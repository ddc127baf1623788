// Matrix products on BLAS. Transposition is a flag, not a copy; the VJP of a product is two more
// products with flipped flags, so it differentiates again for free.

extension Tensor {
    /// op(A) x op(B) for rank-2 operands, or batched for rank-3 ([batch, m, k] x [batch, k, n];
    /// a rank-2 operand is shared across the batch).
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        Tensor.matmul(self, other, transA: transposeSelf, transB: transposeOther)
    }

    static func matmul(_ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool) -> Tensor {
        // Views BLAS cannot read (rank 3, broadcast, general strides) become dense first.
        guard let layoutA = a.blasLayout else { return matmul(a.contiguous(), b, transA: transA, transB: transB) }
        guard let layoutB = b.blasLayout else { return matmul(a, b.contiguous(), transA: transA, transB: transB) }
        precondition((2...3).contains(a.rank) && (2...3).contains(b.rank), "matmul of \(a.shape) and \(b.shape)")
        let batch = Swift.max(a.rank == 3 ? a.shape[0] : 1, b.rank == 3 ? b.shape[0] : 1)
        precondition(a.rank == 2 || a.shape[0] == batch, "matmul batch mismatch \(a.shape) x \(b.shape)")
        precondition(b.rank == 2 || b.shape[0] == batch, "matmul batch mismatch \(a.shape) x \(b.shape)")
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transA ? (ac, ar) : (ar, ac)
        let (k2, n) = transB ? (bc, br) : (br, bc)
        precondition(k == k2, "matmul inner dimensions differ: \(a.shape)\(transA ? "ᵀ" : "") x \(b.shape)\(transB ? "ᵀ" : "")")
        let outShape = (a.rank == 3 || b.rank == 3) ? [batch, m, n] : [m, n]
        var out = Tensor(uninitializedShape: outShape)
        // A transposed view is the transpose of the rows BLAS reads: its flag flips instead of a copy.
        let pa = a.storage.pointer + a.offset, pb = b.storage.pointer + b.offset, pc = out.storage.pointer
        let strideA = a.rank == 3 ? ar * ac : 0, strideB = b.rank == 3 ? br * bc : 0
        for i in 0..<batch {
            BLAS.sgemm(transA: transA != layoutA.transposed, transB: transB != layoutB.transposed, m: m, n: n, k: k,
                       a: pa + i * strideA, lda: layoutA.rowStride, b: pb + i * strideB, ldb: layoutB.rowStride,
                       c: pc + i * m * n, ldc: n)
        }
        if shouldRecord(a, b) {
            out.recordHistory("matmul", inputs: [a, b]) { g in
                // C = A B  =>  dA = G Bᵀ, dB = Aᵀ G (flags carry any transposes of A and B).
                var ga: Tensor? = nil, gb: Tensor? = nil
                if isGradientNeeded(a, index: 0) {
                    let r = transA ? matmul(b, g, transA: transB, transB: true) : matmul(g, b, transA: false, transB: !transB)
                    ga = r.sum(toShape: a.shape)
                }
                if isGradientNeeded(b, index: 1) {
                    let r = transB ? matmul(g, a, transA: true, transB: transA) : matmul(a, g, transA: !transA, transB: false)
                    gb = r.sum(toShape: b.shape)
                }
                return [ga, gb]
            }
        }
        return out
    }
}

extension Tensor {
    /// How BLAS reads this operand without a copy: dense (or row-strided) rows, or the transpose of
    /// such rows (a permuted rank-2 view); nil for any other view.
    var blasLayout: (transposed: Bool, rowStride: Int)? {
        guard let strides = viewStrides else { return (false, Swift.max(shape.last ?? 1, 1)) }
        guard rank == 2 else { return nil }
        if strides[1] == 1 && strides[0] >= shape[1] { return (false, Swift.max(strides[0], 1)) }
        if strides[0] == 1 && strides[1] >= shape[0] { return (true, Swift.max(strides[1], 1)) }
        return nil
    }
}
