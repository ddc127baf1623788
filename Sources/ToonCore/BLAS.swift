import CGemm
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Single-precision matrix products: ToonKit's AVX-512 kernel where the CPU has AVX-512 (`FastGEMM`),
/// else the platform BLAS (OpenBLAS on Linux, Accelerate on Apple).
///
/// OpenBLAS runs single-threaded: its own pthreads would spin (sched_yield) on the same cores that
/// `Parallel` uses for everything else. Large products are split across `Parallel` workers here,
/// each worker calling the single-threaded kernel on its own block of rows or columns of C.
public enum BLAS {
    /// C = alpha * op(A) * op(B) + beta * C, row-major. `lda`, `ldb`, `ldc` are row strides in elements.
    /// Large products run on the current configuration's threads; inside a `Parallel` loop it runs on the caller.
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        let configuration = ComputeConfiguration.current
        let parts = Parallel.isInsideLoop ? 1 : partCount(m: m, n: n, k: k, threads: configuration.threads)
        if parts == 1 {
            sgemmSerial(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                        b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, configuration: configuration)
            return
        }
        // Split the dimension whose other operand is smaller: each worker packs all of that operand.
        // The AVX-512 kernel's narrow path (A untransposed, few columns) streams A unpacked: split its
        // rows, so each worker reads half of A (the weights, in convolutions) and the result does
        // not depend on the split.
        let narrow = configuration.usesOwnGEMM && !transA && n <= Int(TOON_SGEMM_NARROW_N) && m >= 32
        let splitColumns = n >= m && !narrow
        let extent = splitColumns ? n : m
        let (a, b) = (UncheckedSendable(a), UncheckedSendable(b))
        let c = UncheckedSendable(c)
        Parallel.forEachTask(parts, workers: parts) { _, part in
            // Block edges on multiples of 16 keep every worker on whole kernel tiles.
            let lo = Swift.min(extent, (extent * part / parts + 8) / 16 * 16)
            let hi = part == parts - 1 ? extent : Swift.min(extent, (extent * (part + 1) / parts + 8) / 16 * 16)
            guard hi > lo else { return }
            if splitColumns {
                sgemmSerial(transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha, a: a.value, lda: lda,
                            b: b.value + (transB ? lo * ldb : lo), ldb: ldb, beta: beta, c: c.value + lo, ldc: ldc,
                            configuration: configuration)
            } else {
                sgemmSerial(transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
                            a: a.value + (transA ? lo : lo * lda), lda: lda, b: b.value, ldb: ldb, beta: beta,
                            c: c.value + lo * ldc, ldc: ldc, configuration: configuration)
            }
        }
    }

    /// The same product on the calling thread only (single-threaded BLAS), with the kernel that
    /// `configuration` chooses.
    public static func sgemmSerial(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
        configuration: ComputeConfiguration = .current
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // BLAS leaves C untouched for k == 0 on some builds; make beta's meaning explicit.
            for row in 0..<m { for col in 0..<n { c[row * ldc + col] = beta == 0 ? 0 : c[row * ldc + col] * beta } }
            return
        }
        if configuration.usesOwnGEMM {
            FastGEMM.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                           b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Products below this many multiply-accumulates are not worth a second thread.
    static let parallelThreshold = 1 << 21

    static func partCount(m: Int, n: Int, k: Int, threads: Int) -> Int {
        guard threads > 1, m * n * k >= parallelThreshold, Swift.max(m, n) >= 32 else { return 1 }
        return Swift.min(threads, Swift.max(m, n) / 16)
    }

    /// OpenBLAS set to one thread the first time any product (or LAPACK call) runs.
    static let singleThreaded: Void = {
        #if !canImport(Accelerate)
        openblas_set_num_threads(1)
        #endif
    }()
}
