import CGemm
import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

/// The AVX-512 kernel against a double-precision reference. Tolerance: each element of C may be off
/// by 1e-5 of the sum of the magnitudes that went into it, sum_p |alpha a_ip b_pj| + |beta c_ij|
/// (float32 accumulation over k <= 1000 terms stays well inside that).
@Suite("Fast GEMM", .computeFromEnvironment, .enabled(if: FastGEMM.isSupported, "AVX-512 absent on this CPU: FastGEMM tests skipped"))
struct FastGEMMTests {
    struct Problem {
        var transA: Bool, transB: Bool, m: Int, n: Int, k: Int
        var alpha: Float, beta: Float
        var lda: Int, ldb: Int, ldc: Int
        var a: [Float], b: [Float], c: [Float]

        init(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float, padding: Int,
             random: inout TestRandom) {
            self.transA = transA; self.transB = transB; self.m = m; self.n = n; self.k = k
            self.alpha = alpha; self.beta = beta
            lda = (transA ? m : k) + padding
            ldb = (transB ? k : n) + padding
            ldc = n + padding
            a = (0..<((transA ? k : m) * lda)).map { _ in random.uniform() }
            b = (0..<((transB ? n : k) * ldb)).map { _ in random.uniform() }
            // beta == 0 must not read C: fill it with NaN so any read shows.
            c = (0..<(m * ldc)).map { _ in beta == 0 ? .nan : random.uniform() }
        }

        func elementA(_ i: Int, _ p: Int) -> Double { Double(transA ? a[p * lda + i] : a[i * lda + p]) }
        func elementB(_ p: Int, _ j: Int) -> Double { Double(transB ? b[j * ldb + p] : b[p * ldb + j]) }

        /// Checks `result` (C after the product) against the reference; returns the number of bad elements.
        func mismatches(_ result: [Float]) -> Int {
            var bad = 0
            for i in 0..<m {
                for j in 0..<ldc {
                    let index = i * ldc + j
                    if j >= n {  // padding columns are never written
                        if result[index].bitPattern != c[index].bitPattern { bad += 1 }
                        continue
                    }
                    var sum = 0.0, magnitude = 0.0
                    for p in 0..<k {
                        let product = elementA(i, p) * elementB(p, j)
                        sum += product
                        magnitude += abs(product)
                    }
                    let old = beta == 0 ? 0 : Double(c[index])
                    let expected = Double(alpha) * sum + Double(beta) * old
                    let tolerance = 1e-5 * (abs(Double(alpha)) * magnitude + abs(Double(beta) * old)) + 1e-30
                    if !(abs(Double(result[index]) - expected) <= tolerance) { bad += 1 }
                }
            }
            return bad
        }

        func run(parallel: Bool = false) -> [Float] {
            var result = c
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    result.withUnsafeMutableBufferPointer { r in
                        if parallel {
                            BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                       a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                                       beta: beta, c: r.baseAddress!, ldc: ldc)
                        } else {
                            FastGEMM.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                           a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                                           beta: beta, c: r.baseAddress!, ldc: ldc)
                        }
                    }
                }
            }
            return result
        }
    }

    static let edgeSizes = [1, 2, 3, 5, 7, 8, 9, 13, 15, 16, 17, 23, 31, 33, 47, 48, 49, 63, 65, 70]
    static let alphas: [Float] = [1, -0.5, 2.5]
    static let betas: [Float] = [0, 1, 0.75]

    @Test("edge sizes 1...70, all transposes, padded strides, alpha and beta (beta 0 over NaN)",
          arguments: [(false, false), (false, true), (true, false), (true, true)])
    func edgeShapes(_ transposes: (Bool, Bool)) {
        var random = TestRandom(seed: transposes.0 ? (transposes.1 ? 4 : 3) : (transposes.1 ? 2 : 1))
        var cases = 0, failures: [String] = []
        for (x, m) in Self.edgeSizes.enumerated() {
            for (y, n) in Self.edgeSizes.enumerated() where y % 2 == x % 2 {
                for (z, k) in Self.edgeSizes.enumerated() where z % 3 == (x + y) % 3 {
                    let alpha = Self.alphas[cases % 3], beta = Self.betas[(cases / 3) % 3]
                    let problem = Problem(transA: transposes.0, transB: transposes.1, m: m, n: n, k: k,
                                          alpha: alpha, beta: beta, padding: (cases % 4) * 3, random: &random)
                    let bad = problem.mismatches(problem.run())
                    if bad > 0 { failures.append("m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta): \(bad) bad") }
                    cases += 1
                }
            }
        }
        #expect(cases > 600)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    // The kernel's blocks are MC = 192 rows, NC = 768 columns, KC = 384 deep; these cross each.
    @Test("blocked sizes: several cache blocks in every dimension, narrow and tall shapes",
          arguments: [(false, false), (false, true), (true, false), (true, true)])
    func blockedShapes(_ transposes: (Bool, Bool)) {
        var random = TestRandom(seed: 40)
        for (m, n, k) in [(395, 30, 50), (20, 1560, 60), (30, 60, 1200), (200, 800, 20), (420, 17, 390), (13, 500, 400), (3, 2, 1)] {
            let problem = Problem(transA: transposes.0, transB: transposes.1, m: m, n: n, k: k,
                                  alpha: 1.5, beta: 0.5, padding: 5, random: &random)
            #expect(problem.mismatches(problem.run()) == 0, "m \(m) n \(n) k \(k)")
        }
    }

    // A not transposed and n <= 256 takes the narrow path (A streamed unpacked, op(B) packed per
    // KC-deep slice in 64-column chunks): cover every column count 1...70, the chunk edges, row
    // counts around its 8- and 6-row blocks, and k deep enough for several slices.
    @Test("narrow path: n 1...70, 128, 256; odd m and k; padded strides; alpha and beta (beta 0 over NaN)",
          arguments: [false, true])
    func narrowShapes(_ transB: Bool) {
        var random = TestRandom(seed: transB ? 52 : 51)
        var cases = 0, failures: [String] = []
        let ms = [1, 5, 7, 9, 13, 31], ks = [1, 3, 17, 61, 129]
        for n in Array(1...70) + [127, 128, 129, 192, 255, 256] {
            let m = ms[n % ms.count], k = ks[(n / ms.count) % ks.count]
            let alpha = Self.alphas[cases % 3], beta = Self.betas[(cases / 3) % 3]
            let problem = Problem(transA: false, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
                                  padding: (cases % 4) * 5, random: &random)
            let bad = problem.mismatches(problem.run())
            if bad > 0 { failures.append("m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta): \(bad) bad") }
            cases += 1
        }
        // Several KC slices (KC = 98304 / round_up(n, 16) floats deep, so 384 at n = 256) and both
        // row blocks with leftovers.
        for (m, n, k) in [(37, 256, 1000), (45, 70, 3001), (19, 16, 700), (53, 200, 777), (512, 16, 1152)] {
            let beta = Self.betas[cases % 3]
            let problem = Problem(transA: false, transB: transB, m: m, n: n, k: k, alpha: -1.25, beta: beta,
                                  padding: 7, random: &random)
            let bad = problem.mismatches(problem.run())
            if bad > 0 { failures.append("m \(m) n \(n) k \(k) beta \(beta): \(bad) bad") }
            cases += 1
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test("k = 0 and alpha = 0 scale C by beta without reading A or B")
    func degenerate() {
        var c: [Float] = [1, 2, 3, 4, .nan, 6]
        let a: [Float] = [.nan], b: [Float] = [.nan]
        FastGEMM.sgemm(transA: false, transB: false, m: 2, n: 2, k: 0, a: a, lda: 1, b: b, ldb: 2, beta: 2, c: &c, ldc: 3)
        #expect(c[0] == 2 && c[1] == 4 && c[3] == 8 && c[2] == 3 && c[4].isNaN)
        FastGEMM.sgemm(transA: false, transB: false, m: 2, n: 2, k: 1, alpha: 0, a: a, lda: 1, b: b, ldb: 2, beta: 0, c: &c, ldc: 3)
        #expect(c[0] == 0 && c[1] == 0 && c[3] == 0 && c[4] == 0 && c[2] == 3 && c[5] == 6)
    }

    @Test("a caller-provided workspace gives the same bits as the internal one")
    func workspace() {
        var random = TestRandom(seed: 9)
        let problem = Problem(transA: false, transB: true, m: 77, n: 301, k: 450, alpha: 1, beta: 0, padding: 0, random: &random)
        let size = toon_sgemm_avx512_workspace_size(0, 1, 77, 301, 450)
        #expect(size > 0)
        var workspace = [Float](repeating: .nan, count: size)
        var result = problem.c
        toon_sgemm_avx512(0, 1, 77, 301, 450, 1, problem.a, Int32(problem.lda), problem.b, Int32(problem.ldb), 0,
                          &result, Int32(problem.ldc), &workspace)
        #expect(result.map(\.bitPattern) == problem.run().map(\.bitPattern))
    }

    @Test("BLAS.sgemm split across cores equals the single-threaded kernel bit for bit on big shapes",
          .enabled(if: FastGEMM.isSupported, "AVX-512 absent on this CPU"),
          arguments: [(512, 4096, 300, false, false), (512, 16, 1152, false, false), (1152, 2000, 128, true, false),
                      (128, 1152, 2000, false, true), (32, 8192, 288, false, false), (100, 64, 777, true, true),
                      (200, 240, 900, false, false), (96, 256, 500, false, true)])
    func parallelMatchesSingle(_ shape: (Int, Int, Int, Bool, Bool)) {
        var random = TestRandom(seed: 21)
        let (m, n, k, transA, transB) = shape
        let problem = Problem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, beta: 0.25, padding: 3,
                              random: &random)
        // BLAS takes ToonKit's kernel only when the configuration allows AVX-512.
        let single = problem.run(), parallel = ComputeConfiguration(instructionSet: .avx512).run { problem.run(parallel: true) }
        #expect(single.map(\.bitPattern) == parallel.map(\.bitPattern))
    }
}
