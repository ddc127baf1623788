import ToonCore

/// Every random choice of a run as a pure function of (run seed, purpose, step): nothing random is
/// carried from step to step, so a run resumed at step k draws exactly what the uninterrupted run
/// drew there. Streams are NumPy's RandomState, seeded per (purpose, step).
struct TrainingRandom: Sendable {
    enum Purpose: UInt64 {
        case generatorLatents = 1, mixingLatents, mixingCutoff, generatorNoise
        case regularizerLatents, regularizerMixing, regularizerMixingCutoff, regularizerNoise, pathLengthNoise
        case discriminatorLatents, discriminatorMixing, discriminatorMixingCutoff, discriminatorNoise
        case dataOrder, augment
        // Appended so the streams above keep their numbers (and older runs their draws).
        case generatorLabels, regularizerLabels, discriminatorLabels
    }

    let seed: UInt64

    /// A 32-bit seed for (purpose, index), well mixed (SplitMix64's finaliser).
    func seed32(_ purpose: Purpose, _ index: Int) -> UInt32 {
        var z = seed &+ purpose.rawValue &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(bitPattern: Int64(index)) &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt32(truncatingIfNeeded: (z ^ (z >> 31)) >> 16)
    }

    func stream(_ purpose: Purpose, _ index: Int) -> NumpyRandomState { NumpyRandomState(seed: seed32(purpose, index)) }

    func normal(_ shape: [Int], _ purpose: Purpose, _ index: Int) -> Tensor {
        var random = stream(purpose, index)
        return random.normalTensor(shape)
    }

    /// A permutation of 0..<count for `epoch` (Fisher-Yates over NumPy's uniform draws).
    func permutation(count: Int, epoch: Int) -> [Int] {
        var random = stream(.dataOrder, epoch)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Swift.min(Int(random.randomSample() * Double(i + 1)), i)
            order.swapAt(i, j)
        }
        return order
    }
}
