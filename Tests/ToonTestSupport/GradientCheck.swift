import Testing
import ToonCore

/// Deterministic test data (SplitMix64): every test sees the same numbers on every run and platform.
public struct TestRandom {
    private var generator: SplitMix64
    public init(seed: UInt64) { generator = SplitMix64(state: seed) }

    public mutating func next() -> UInt64 { generator.next() }

    /// Uniform in 0..<bound.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    public mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }

    public mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }

    /// Uniform in 0..<1 with 24 random bits.
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Float> = -1...1) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }

    public mutating func tensor(_ shape: [Int], _ range: ClosedRange<Float> = -1...1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<Shape.count(shape)).map { _ in uniform(range) })
    }
}

/// Compares reverse-mode gradients of `f` with central finite differences.
///
/// The scalar objective is <f(inputs), r> for a fixed random r, accumulated in Double. Up to
/// `samples` elements of each input are perturbed by ±`step`. Float32 central differences with
/// step 1e-2 carry about 1e-4 relative noise, hence the default tolerances.
public func checkGradients(
    of f: @escaping ([Tensor]) -> Tensor, at inputs: [Tensor], step: Float = 1e-2, samples: Int = 24,
    absoluteTolerance: Double = 2e-3, relativeTolerance: Double = 2e-2,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var random = TestRandom(seed: 99)
    let probe = f(inputs)
    let weights = random.tensor(probe.shape)
    let objective: ([Tensor]) -> Double = { xs in
        let out = withoutGradients { f(xs) }
        return zip(out.scalars, weights.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    let leaves = inputs.map { $0.requiringGrad() }
    let analytic = gradients(of: (f(leaves) * weights).sum(), wrt: leaves)
    for (index, input) in inputs.enumerated() {
        let n = input.count
        let picks = n <= samples ? Array(0..<n) : (0..<samples).map { _ in Int(random.next() % UInt64(n)) }
        for element in picks {
            var plus = inputs, minus = inputs
            plus[index].withUnsafeMutableBufferPointer { $0[element] += step }
            minus[index].withUnsafeMutableBufferPointer { $0[element] -= step }
            let numeric = (objective(plus) - objective(minus)) / Double(2 * step)
            let exact = Double(analytic[index].scalars[element])
            let tolerance = absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(numeric), Swift.abs(exact))
            #expect(Swift.abs(numeric - exact) <= tolerance,
                    "input \(index) element \(element): finite difference \(numeric), autodiff \(exact)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// Checks second derivatives: the gradient of <f, r> with respect to input 0, itself taken with
/// `createGraph`, is differentiated again and compared with finite differences of that gradient.
public func checkSecondOrderGradients(
    of f: @escaping ([Tensor]) -> Tensor, at inputs: [Tensor], step: Float = 1e-2, samples: Int = 24,
    absoluteTolerance: Double = 3e-3, relativeTolerance: Double = 3e-2,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var random = TestRandom(seed: 7)
    let weights = random.tensor(withoutGradients { f(inputs) }.shape)
    let firstGradient: ([Tensor]) -> Tensor = { xs in
        withGradients {
            let x0 = xs[0].requiresGrad ? xs[0] : xs[0].requiringGrad()
            let out = (f([x0] + xs.dropFirst()) * weights).sum()
            return gradients(of: out, wrt: [x0], createGraph: true)[0]
        }
    }
    checkGradients(of: firstGradient, at: inputs, step: step, samples: samples,
                   absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
                   sourceLocation: sourceLocation)
}
