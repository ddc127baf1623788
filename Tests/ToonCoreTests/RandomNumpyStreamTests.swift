import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

/// Exact (bitwise) agreement with numpy's legacy RandomState; the expected values come from
/// Reference/make_random_reference.py. No tolerance: a seed must name the very same latent.
@Suite("Random: numpy legacy RandomState, bit for bit", .computeFromEnvironment)
struct RandomNumpyStreamTests {
    @Test("Mersenne Twister seeded 5489 gives the published first output")
    func textbookSeed() {
        var mt = MT19937(seed: 5489)
        #expect(mt.next() == 3_499_211_612)
    }

    @Test("raw 32-bit draws match numpy for every reference seed", arguments: RandomReference.cases)
    func rawDraws(case reference: RandomReferenceCase) {
        var mt = MT19937(seed: reference.seed)
        #expect((0..<8).map { _ in mt.next() } == reference.raw32)
    }

    @Test("random_sample doubles match numpy bit for bit", arguments: RandomReference.cases)
    func randomSample(case reference: RandomReferenceCase) {
        var random = NumpyRandomState(seed: reference.seed)
        #expect((0..<6).map { _ in random.randomSample().bitPattern } == reference.randomSample)
    }

    @Test("randn doubles match numpy bit for bit, including elements 10000 and 10001",
          arguments: RandomReference.cases)
    func normals(case reference: RandomReferenceCase) {
        var random = NumpyRandomState(seed: reference.seed)
        let values = (0..<10_002).map { _ in random.standardNormal() }
        #expect(values.prefix(9).map(\.bitPattern) == reference.firstNormals)
        #expect(values[10_000].bitPattern == reference.normal10000)
        #expect(values[10_001].bitPattern == reference.normal10001)
    }

    @Test("Tensor.randomNormal equals randn(4, 512).astype(float32)", arguments: RandomReference.cases)
    func normalTensor(case reference: RandomReferenceCase) {
        let z = Tensor.randomNormal(shape: [4, 512], seed: reference.seed)
        #expect(z.shape == [4, 512])
        #expect(checksum(z) == reference.normalTensorChecksum)
        #expect(z.scalars.last?.bitPattern == reference.normalTensorLast)
    }

    @Test("Tensor.randomUniform equals uniform(-1, 1, (3, 5)).astype(float32)", arguments: RandomReference.cases)
    func uniformTensor(case reference: RandomReferenceCase) {
        let u = Tensor.randomUniform(shape: [3, 5], in: -1..<1, seed: reference.seed)
        #expect(u.shape == [3, 5])
        #expect(u.scalars.map(\.bitPattern) == reference.uniformMinusOneOne)
    }

    @Test("one stream continued across calls keeps numpy's cached normal, integers and shuffles")
    func continuedStream() {
        var random = NumpyRandomState(seed: 7)
        #expect((0..<3).map { _ in random.standardNormal().bitPattern } == RandomReference.streamNormalsA)
        #expect((0..<2).map { _ in random.uniform(low: 2, high: 5).bitPattern } == RandomReference.streamUniform)
        #expect((0..<3).map { _ in random.standardNormal().bitPattern } == RandomReference.streamNormalsB)
        #expect(random.randint(0..<10, count: 20) == RandomReference.streamRandintSmall)
        #expect(random.randint(-5..<1000, count: 10) == RandomReference.streamRandintOffset)
        #expect(random.randint(0..<(1 << 40), count: 5) == RandomReference.streamRandint40Bit)
        #expect(random.randint(Int.min..<Int.max, count: 3) == RandomReference.streamRandintFull)
        #expect(random.randint(0..<(1 << 32), count: 3) == RandomReference.streamRandint32Bit)
        #expect(random.permutation(10) == RandomReference.streamPermutation)
        var listed = Array(0..<20)
        random.shuffle(&listed)
        #expect(listed == RandomReference.streamShuffled)
        #expect((0..<2).map { _ in random.randomSample().bitPattern } == RandomReference.streamRandomSample)
    }

    @Test("a generator continues where the last tensor stopped, like successive randn calls")
    func generatorTensorsContinue() {
        var random = NumpyRandomState(seed: 42)
        let first = random.normalTensor([2, 3])
        let second = random.normalTensor([5])
        let whole = Tensor.randomNormal(shape: [11], seed: 42).scalars
        #expect(first.scalars + second.scalars == whole)
    }

    @Test("a 1024x512 normal tensor matches numpy and is generated quickly")
    func bigTensor() {
        let clock = ContinuousClock()
        var z = Tensor.zeros([0])
        let elapsed = clock.measure { z = Tensor.randomNormal(shape: [1024, 512], seed: 2024) }
        #expect(checksum(z) == RandomReference.bigNormalChecksum)
        #expect(z.scalars.last?.bitPattern == RandomReference.bigNormalLast)
        // Generous bound: debug builds on a shared 2-core machine; release takes a few milliseconds.
        #expect(elapsed < .seconds(2), "randomNormal(1024x512) took \(elapsed)")
    }

    /// Sum over i of (i + 1) * bits[i], modulo 2^64: order-sensitive and exact.
    private func checksum(_ tensor: Tensor) -> UInt64 {
        tensor.withUnsafeBufferPointer { values in
            var sum: UInt64 = 0
            for (i, value) in values.enumerated() { sum &+= UInt64(i + 1) &* UInt64(value.bitPattern) }
            return sum
        }
    }
}

extension RandomReferenceCase: CustomTestStringConvertible {
    var testDescription: String { "seed \(seed)" }
}
