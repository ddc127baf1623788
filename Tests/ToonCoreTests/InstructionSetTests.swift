import CKernels
import Testing
import ToonCore
import ToonTestSupport

/// CKernels compiles each loop for the baseline, AVX2 and AVX-512 and the configuration picks one
/// per call. With fused multiply-adds off, every level does the same float operations in the same
/// order, so results must agree BIT FOR BIT across levels (and machines). Each level this CPU can
/// run is compared with the baseline, on lengths that leave vector tails.
@Suite(.computeFromEnvironment)
struct InstructionSetTests {
    static let levels = ComputeConfiguration.InstructionSet.allCases.filter { $0 <= .supported && $0 != .baseline }

    /// Runs `kernel` at every level on the same inputs; each returns its outputs.
    func expectSameBits(_ name: String, _ kernel: (Int32) -> [Float]) {
        let reference = kernel(Int32(TOON_ISA_BASELINE))
        for level in Self.levels {
            let got = kernel(Int32(level.rawValue))
            #expect(got.map(\.bitPattern) == reference.map(\.bitPattern), "\(name) at \(level) differs from the baseline")
        }
    }

    @Test("Winograd F(2x2, 3x3) kernels", arguments: [1, 7, 8, 17, 64, 131])
    func winograd(_ tiles: Int) {
        var random = TestRandom(seed: UInt64(tiles))
        let padded = tiles + 1, width = 2 * tiles - 1
        let row = random.tensor([width]).scalars, m = random.tensor([16 * tiles + 5]).scalars
        let r = random.tensor([4 * 2 * padded]).scalars
        expectSameBits("toon_split_row") { level in
            var halves = [Float](repeating: .nan, count: 2 * padded)
            halves.withUnsafeMutableBufferPointer { h in
                toon_split_row(level, row, width, 0.75, h.baseAddress!, h.baseAddress! + padded, padded)
            }
            return halves
        }
        expectSameBits("toon_winograd_rows") { level in
            var t = [Float](repeating: .nan, count: 8 * padded)
            let n = 2 * padded
            r.withUnsafeBufferPointer { r in t.withUnsafeMutableBufferPointer { t in
                let (r, t) = (r.baseAddress!, t.baseAddress!)
                toon_winograd_rows(level, r, r + n, r + 2 * n, r + 3 * n, t, t + n, t + 2 * n, t + 3 * n, n)
            } }
            return t
        }
        expectSameBits("toon_winograd_columns") { level in
            var out = [Float](repeating: .nan, count: 4 * tiles)
            r.withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { o in
                let o = o.baseAddress!
                toon_winograd_columns(level, r.baseAddress!, r.baseAddress! + padded, o, o + tiles, o + 2 * tiles, o + 3 * tiles, tiles)
            } }
            return out
        }
        expectSameBits("toon_winograd_output") { level in
            var out = [Float](repeating: .nan, count: 4 * tiles)
            out.withUnsafeMutableBufferPointer { o in
                toon_winograd_output(level, m, tiles, o.baseAddress!, o.baseAddress! + 2 * tiles, tiles)
            }
            return out
        }
    }

    @Test("Winograd F(2, 2) kernels of the stride-2 transposed convolution", arguments: [(1, 3), (5, 18), (16, 64), (33, 130)])
    func winogradUp(_ tilesAndWidth: (Int, Int)) {
        let (tiles, outWidth) = tilesAndWidth
        var random = TestRandom(seed: UInt64(outWidth))
        let padded = tiles + 1
        let rows = random.tensor([6 * padded]).scalars, products = random.tensor([25 * tiles]).scalars
        expectSameBits("toon_winograd_up_input") { level in
            var out = [Float](repeating: .nan, count: 25 * tiles)
            rows.withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { o in
                let slots = (0..<25).map { Optional(o.baseAddress! + $0 * tiles) }
                toon_winograd_up_input(level, r.baseAddress!, r.baseAddress! + padded, padded, slots, tiles)
            } }
            return out
        }
        for rowCount in 1...4 {
            expectSameBits("toon_winograd_up_output, \(rowCount) rows") { level in
                var out = [Float](repeating: .nan, count: 4 * outWidth)
                products.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { o in
                    let slots = (0..<25).map { Optional(UnsafePointer(p.baseAddress! + $0 * tiles)) }
                    toon_winograd_up_output(level, slots, Int32(rowCount), o.baseAddress!, outWidth, tiles)
                } }
                return out
            }
        }
    }

    @Test("FIR rows and columns, and the epilogue", arguments: [3, 4, 5])
    func filterAndEpilogue(_ taps: Int) {
        var random = TestRandom(seed: UInt64(taps))
        let n = 77, f = random.tensor([taps]).scalars
        let source = random.tensor([taps * n + taps]).scalars, noise = random.tensor([n]).scalars
        expectSameBits("toon_fir_row") { level in
            var d = [Float](repeating: .nan, count: n)
            toon_fir_row(level, source, f, Int32(taps), &d, n)
            return d
        }
        expectSameBits("toon_fir_column") { level in
            var d = [Float](repeating: .nan, count: n)
            toon_fir_column(level, source, n, f, Int32(taps), &d, n)
            return d
        }
        for withNoise in [false, true] {
            expectSameBits("toon_epilogue") { level in
                var plane = Array(source[0..<n])
                toon_epilogue(level, &plane, n, 1.25, withNoise ? noise : nil, 0.5, -0.125, 0.2, 1.41, -0.9, 0.9)
                return plane
            }
        }
    }

    @Test("axis maps along rows and column gathers", arguments: [1, 2, 4])
    func resampleAndGather(_ width: Int) {
        var random = TestRandom(seed: UInt64(10 + width))
        let (rows, inSize, outSize) = (3, 29, 23)
        let source = random.tensor([rows * inSize]).scalars, weight = random.tensor([outSize * width]).scalars
        let index = (0..<(outSize * width)).map { ($0 * 7 + 3) % inSize }
        expectSameBits("toon_axis_map_rows") { level in
            var d = [Float](repeating: .nan, count: rows * outSize)
            toon_axis_map_rows(level, source, &d, rows, inSize, outSize, index, weight, width)
            return d
        }
        // Against the definition, summed in the same order.
        var expected = [Float](repeating: 0, count: rows * outSize)
        for r in 0..<rows {
            for j in 0..<outSize {
                var acc: Float = 0
                for t in 0..<width { acc += weight[j * width + t] * source[r * inSize + index[j * width + t]] }
                expected[r * outSize + j] = acc
            }
        }
        var d = [Float](repeating: .nan, count: rows * outSize)
        toon_axis_map_rows(Int32(ComputeConfiguration.InstructionSet.supported.rawValue), source, &d, rows, inSize, outSize,
                           index, weight, width)
        #expect(d == expected)
        let n = (rows * inSize) / (width + 1)
        expectSameBits("toon_gather_row") { level in
            var d = [Float](repeating: .nan, count: n)
            toon_gather_row(level, source, width, 0.625, &d, n)
            return d
        }
        expectSameBits("toon_gather_row_unscaled") { level in
            var d = [Float](repeating: .nan, count: n)
            toon_gather_row_unscaled(level, source, width, &d, n)
            #expect(d == (0..<n).map { source[$0 * width] })
            return d
        }
    }

    @Test("convolutions run by the configuration's kernels agree across levels that share a GEMM")
    func convolutionsAgree() {
        var random = TestRandom(seed: 5)
        let x = random.tensor([1, 16, 16, 16]), w = random.tensor([16, 16, 3, 3]), scale = random.tensor([1, 16])
        let epilogue = ConvEpilogue(outputScale: random.tensor([1, 16]), noise: random.tensor([16, 16]), noiseStrength: 0.3,
                                    bias: random.tensor([16]), activation: .leakyReLU(slope: 0.2), gain: 1.41, clamp: 2)
        func run(_ level: ComputeConfiguration.InstructionSet) -> [Float] {
            ComputeConfiguration(instructionSet: level).run {
                x.conv2d(w, padding: 1, inputScale: scale, epilogue: epilogue).scalars
                    + x.transposedConv2d(w, stride: 2, padding: 0, inputScale: scale).scalars
            }
        }
        // Below AVX-512 both levels multiply with the platform BLAS, so the whole result must match.
        if ComputeConfiguration.InstructionSet.supported >= .avx2 {
            #expect(run(.avx2).map(\.bitPattern) == run(.baseline).map(\.bitPattern))
        }
        let best = run(.supported), baseline = run(.baseline)
        #expect(maxAbsDifference(best, baseline) < 1e-4)
    }

    @Test("a configuration reaches the workers of parallel loops, and run scopes nest")
    func configurationReachesWorkers() {
        let outer = ComputeConfiguration(instructionSet: .baseline, threads: 2, reusableMemoryBytes: 12345)
        outer.run {
            var seen = [Int](repeating: 0, count: 64)
            seen.withUnsafeMutableBufferPointer { buffer in
                let pointer = UncheckedPointer(buffer.baseAddress!)
                Parallel.forEach(64, grain: 1) { range in
                    for i in range { pointer.value[i] = ComputeConfiguration.current.reusableMemoryBytes }
                }
            }
            #expect(seen.allSatisfy { $0 == 12345 })
            #expect(Parallel.workerCount == 2)
            ComputeConfiguration(threads: 1).run { #expect(Parallel.workerCount == 1) }
            #expect(ComputeConfiguration.current == outer)
        }
    }

    @Test("the environment is read only when asked, and never above what the CPU runs")
    func fromEnvironment() {
        let blas = ComputeConfiguration.fromEnvironment(["TOONKIT_GEMM": "blas", "TOONKIT_THREADS": "3"])
        #expect(blas.instructionSet == Swift.min(.avx2, .supported) && blas.threads == 3)
        let baseline = ComputeConfiguration.fromEnvironment(["TOONKIT_ISA": "baseline", "TOONKIT_THREADS": "zero"])
        #expect(baseline.instructionSet == .baseline && baseline.threads == ComputeConfiguration.processorCount)
        #expect(ComputeConfiguration(instructionSet: .avx512).instructionSet == .supported || ComputeConfiguration.InstructionSet.supported == .avx512)
    }
}

/// A pointer handed to parallel workers that write disjoint elements.
private struct UncheckedPointer: @unchecked Sendable {
    let value: UnsafeMutablePointer<Int>
    init(_ value: UnsafeMutablePointer<Int>) { self.value = value }
}
