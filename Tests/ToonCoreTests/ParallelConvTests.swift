import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

/// The parallel GEMM, the fused inference convolutions and the storage pool against the plain ops
/// they replace. Same products summed in a different order: differences stay below 1e-5 here.
@Suite("Parallel GEMM, fused inference convolutions and the storage pool", .computeFromEnvironment)
struct ParallelConvTests {
    @Test("split GEMM equals the single-threaded one", arguments: [
        (200, 300, 40, false, false), (37, 1030, 64, true, false), (1030, 37, 64, false, true),
        (300, 200, 50, true, true), (16, 4096, 40, false, false),
    ])
    func parallelGemm(_ shape: (Int, Int, Int, Bool, Bool)) {
        let (m, n, k, ta, tb) = shape
        var random = TestRandom(seed: UInt64(m * n + k))
        let a = random.tensor(ta ? [k, m] : [m, k]), b = random.tensor(tb ? [n, k] : [k, n])
        let c0 = random.tensor([m, n])
        var split = c0, serial = c0
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
            split.withUnsafeMutableBufferPointer {
                BLAS.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: pa.baseAddress!, lda: ta ? m : k,
                           b: pb.baseAddress!, ldb: tb ? k : n, beta: 0.25, c: $0.baseAddress!, ldc: n)
            }
            serial.withUnsafeMutableBufferPointer {
                BLAS.sgemmSerial(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: pa.baseAddress!, lda: ta ? m : k,
                                 b: pb.baseAddress!, ldb: tb ? k : n, beta: 0.25, c: $0.baseAddress!, ldc: n)
            }
        } }
        #expect(BLAS.partCount(m: m, n: n, k: k, threads: Parallel.workerCount) == Swift.min(Parallel.workerCount, Swift.max(m, n) / 16))
        #expect(maxAbsDifference(split.scalars, serial.scalars) < 1e-5)
    }

    @Test("nested parallel loops run serially and visit every task once")
    func nestedLoops() {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 64)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        let shared = UncheckedSendable(counts)
        Parallel.forEach(4, grain: 1) { outer in
            for o in outer {
                #expect(Parallel.isInsideLoop)
                Parallel.forEachTask(16) { worker, task in
                    #expect(worker == 0)
                    shared.value[o * 16 + task] += 1
                }
            }
        }
        #expect(!Parallel.isInsideLoop)
        #expect(counts.allSatisfy { $0 == 1 })
    }

    /// The unfused reference: modulate, convolve, demodulate, add noise, bias_act.
    static func reference(_ x: Tensor, _ w: Tensor, scale: Tensor, _ e: ConvEpilogue) -> Tensor {
        let (n, cin) = (x.shape[0], x.shape[1])
        var y = (x * scale.reshaped([n, cin, 1, 1])).conv2d(w, padding: w.shape[2] / 2)
        if let s = e.outputScale { y = y * s.reshaped([n, w.shape[0], 1, 1]) }
        if let noise = e.noise {
            y = y + noise.reshaped(noise.rank == 2 ? [1, 1] + noise.shape : noise.shape) * e.noiseStrength
        }
        return y.biasActivation(e.bias, activation: e.activation, gain: e.gain, clamp: e.clamp)
    }

    @Test("conv2d with input scale and epilogue equals the unfused ops",
          arguments: [[1, 8, 40, 40], [2, 8, 40, 40], [3, 16, 5, 7], [1, 4, 1, 1], [2, 6, 33, 3]])
    func fusedConvMatches(_ inputShape: [Int]) {
        var random = TestRandom(seed: UInt64(inputShape.reduce(0, +)))
        let (n, cin, h, wd) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let cout = 5
        let x = random.tensor(inputShape), w = random.tensor([cout, cin, 3, 3])
        let scale = random.tensor([n, cin]), demod = random.tensor([n, cout]), bias = random.tensor([cout])
        for noise in [random.tensor([h, wd]), random.tensor([n, 1, h, wd])] {
            let e = ConvEpilogue(outputScale: demod, noise: noise, noiseStrength: 0.7, bias: bias,
                                 activation: .leakyReLU(slope: 0.2), gain: 1.4, clamp: 0.9)
            let fused = x.conv2d(w, padding: 1, inputScale: scale, epilogue: e)
            #expect(maxAbsDifference(fused.scalars, Self.reference(x, w, scale: scale, e).scalars) < 1e-5)
        }
        let plain = ConvEpilogue(bias: bias)
        let fused = x.conv2d(w, padding: 1, inputScale: scale, epilogue: plain)
        #expect(maxAbsDifference(fused.scalars, Self.reference(x, w, scale: scale, plain).scalars) < 1e-5)
    }

    @Test("per-sample weights equal one conv per image", arguments: [1, 3])
    func perSampleWeights(_ n: Int) {
        var random = TestRandom(seed: UInt64(n))
        let x = random.tensor([n, 6, 34, 33]), w = random.tensor([n, 4, 6, 3, 3]), w1 = random.tensor([n, 3, 6, 1, 1])
        let bias = random.tensor([4])
        let e = ConvEpilogue(bias: bias, activation: .leakyReLU(slope: 0.2), gain: 2)
        let y = x.conv2d(sampleWeights: w, padding: 1, epilogue: e)
        let y1 = x.conv2d(sampleWeights: w1, padding: 0)
        for i in 0..<n {
            let xi = x.slice(axis: 0, i..<(i + 1))
            func weight(_ all: Tensor) -> Tensor { all.slice(axis: 0, i..<(i + 1)).reshaped(Array(all.shape.dropFirst())) }
            let expected = xi.conv2d(weight(w), padding: 1).biasActivation(bias, activation: .leakyReLU(slope: 0.2), gain: 2)
            #expect(maxAbsDifference(y.slice(axis: 0, i..<(i + 1)).scalars, expected.scalars) < 1e-5)
            #expect(maxAbsDifference(y1.slice(axis: 0, i..<(i + 1)).scalars, xi.conv2d(weight(w1)).scalars) < 1e-5)
        }
    }

    @Test("applyEpilogue equals bias_act after demodulation and noise")
    func epilogueInPlace() {
        var random = TestRandom(seed: 9)
        let x = random.tensor([2, 3, 7, 5]), scale = random.tensor([2, 3]), noise = random.tensor([7, 5])
        let bias = random.tensor([3])
        let e = ConvEpilogue(outputScale: scale, noise: noise, noiseStrength: -0.3, bias: bias,
                             activation: .leakyReLU(slope: 0.2), gain: 1.5, clamp: 0.5)
        let before = x.scalars
        var y = x
        y.applyEpilogue(e)
        let expected = (x * scale.reshaped([2, 3, 1, 1]) + noise.reshaped([1, 1, 7, 5]) * Float(-0.3))
            .biasActivation(bias, activation: .leakyReLU(slope: 0.2), gain: 1.5, clamp: 0.5)
        #expect(maxAbsDifference(y.scalars, expected.scalars) < 1e-6)
        #expect(x.scalars == before, "a shared input is copied, not changed")
    }

    @Test("pooled blocks are reused by size class and keep their contents apart")
    func storagePool() {
        #expect(StoragePool.sizeClass(100) == 100)
        #expect(StoragePool.sizeClass(1 << 20) == 1 << 20)
        #expect(StoragePool.sizeClass((1 << 20) + 1) == (1 << 20) + (1 << 17))
        var first: UnsafeMutablePointer<Float>?
        do {
            let a = Tensor(repeating: 1, shape: [300_000])
            first = a.storage.pointer
        }
        let b = Tensor(repeating: 2, shape: [300_001])  // same size class as 300_000 floats
        let c = Tensor(repeating: 3, shape: [300_000])
        #expect(b.storage.pointer != c.storage.pointer)
        #expect(b.scalars.allSatisfy { $0 == 2 } && c.scalars.allSatisfy { $0 == 3 })
        _ = first
    }

    @Test("the default reuse budget is an eighth of memory within [640 MiB, 4 GiB]; releasing frees idle blocks")
    func reusableMemory() {
        #expect(ComputeConfiguration.reusableMemoryBytes(physicalMemory: 2 << 30) == 640 << 20)
        #expect(ComputeConfiguration.reusableMemoryBytes(physicalMemory: 24 << 30) == 3 << 30)
        #expect(ComputeConfiguration.reusableMemoryBytes(physicalMemory: 256 << 30) == 4 << 30)
        #expect(ComputeConfiguration.automatic.reusableMemoryBytes == ComputeConfiguration.defaultReusableMemoryBytes)
        // A size class no other test uses (37.5 MB), dropped: idle until released.
        let floats = 9_400_000
        do { _ = Tensor(repeating: 1, shape: [floats]) }
        #expect(ComputeConfiguration.releaseReusableMemory() >= StoragePool.sizeClass(floats * 4))
        let fresh = Tensor(repeating: 2, shape: [floats])
        #expect(fresh.scalars.allSatisfy { $0 == 2 })
    }

    @Test("filtered2d equals upfirdn2d then the epilogue", arguments: [
        ResamplePadding(1), ResamplePadding(x0: 2, x1: 0, y0: -1, y1: 3), ResamplePadding(x0: -1, x1: -1, y0: 0, y1: 1),
    ])
    func filterEpilogue(_ padding: ResamplePadding) {
        var random = TestRandom(seed: 11)
        for (shape, filter) in [([2, 3, 9, 70], setupFilter([1, 3, 3, 1])), ([1, 2, 6, 7], setupFilter([1, 3, 3, 1])),
                                ([1, 2, 8, 6], setupFilter([1, 2, 1])), ([1, 2, 8, 6], setupFilter([1, 3, 3, 1], separable: false))] {
            let x = random.tensor(shape), bias = random.tensor([shape[1]]), scale = random.tensor([shape[0], shape[1]])
            var expected = x.upfirdn2d(filter, padding: padding, gain: 4)
            let noise = random.tensor([expected.shape[2], expected.shape[3]])
            let e = ConvEpilogue(outputScale: scale, noise: noise, noiseStrength: 0.5, bias: bias,
                                 activation: .leakyReLU(slope: 0.2), gain: 1.5, clamp: 1)
            expected.applyEpilogue(e)
            let got = x.filtered2d(filter, padding: padding, gain: 4, epilogue: e)
            #expect(got.shape == expected.shape)
            #expect(maxAbsDifference(got.scalars, expected.scalars) < 1e-5)
        }
    }
}
