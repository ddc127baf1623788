import Testing
@testable import ToonCore
import ToonTestSupport

/// The fused filtered leaky ReLU kernel against the composition of the differentiable ops it
/// replaces (bias, upfirdn2d up, bias_act, upfirdn2d down: NVLabs' reference steps), on every
/// instruction-set level. Tolerance 1e-5 of the output's range: both sum the same products, in a
/// different order.
@Suite("filtered leaky ReLU: fused kernel equals the composed reference", .computeFromEnvironment)
struct FilteredLeakyReLUTests {
    /// StyleGAN3's layer kinds: up 2 / down 2 (margin layers), up 4 / down 2 (a rate change),
    /// a radial 2-D down filter, critically sampled crops (negative padding), the toRGB identity,
    /// odd sizes and asymmetric filters.
    static let cases: [(String, FilteredLeakyReLU, Int)] = {
        let taps12 = (0..<12).map { Float(1 + $0 % 6) / 21 }
        let taps24 = (0..<24).map { Float(3 + ($0 * 7) % 5) / 90 }
        let radial = FIRFilter(height: 12, width: 12, taps: (0..<144).map { Float(($0 * 37) % 11) / 700 })
        let asymmetric = FIRFilter(separable: [0.3, -0.8, 1.1, 0.2, 0.5])
        return [
            ("up 2, down 2, same size", FilteredLeakyReLU(upFilter: FIRFilter(separable: taps12), up: 2,
                                                          downFilter: FIRFilter(separable: taps12), down: 2,
                                                          padding: ResamplePadding(x0: 11, x1: 10, y0: 11, y1: 10)), 14),
            ("up 4, down 2, growing", FilteredLeakyReLU(upFilter: FIRFilter(separable: taps24), up: 4,
                                                        downFilter: FIRFilter(separable: taps12), down: 2,
                                                        padding: ResamplePadding(x0: 14, x1: 12, y0: 14, y1: 12), clamp: 0.4), 9),
            ("radial down filter", FilteredLeakyReLU(upFilter: FIRFilter(separable: taps12), up: 2, downFilter: radial, down: 2,
                                                     padding: ResamplePadding(x0: 11, x1: 10, y0: 11, y1: 10), slope: 0.1), 10),
            ("cropping padding", FilteredLeakyReLU(upFilter: FIRFilter(separable: taps12), up: 2,
                                                   downFilter: FIRFilter(separable: taps12), down: 2,
                                                   padding: ResamplePadding(x0: -3, x1: -4, y0: -2, y1: -5)), 16),
            ("toRGB: identity filters, linear, clamp", FilteredLeakyReLU(gain: 1, slope: 1, clamp: 0.3), 7),
            ("asymmetric taps, up 3, down 1", FilteredLeakyReLU(upFilter: asymmetric, up: 3, downFilter: FIRFilter(separable: [0.25, 0.75]),
                                                                down: 1, padding: ResamplePadding(x0: 2, x1: 0, y0: 1, y1: 3),
                                                                gain: 1.3, slope: 0.3), 5),
        ]
    }()

    @Test("fused equals composed on every layer kind and instruction set", arguments: 0..<6)
    func fusedMatchesComposed(_ index: Int) {
        let (name, op, size) = Self.cases[index]
        var random = TestRandom(seed: UInt64(40 + index))
        let x = random.tensor([2, 3, size, size + 1], -2...2)
        let bias = random.tensor([3], -0.5...0.5)
        let expected = x.filteredLeakyReLU(bias: bias, op, implementation: .reference)
        let e = expected.scalars
        let range = e.max()! - e.min()!
        #expect(range > 0, "\(name): a constant output tests nothing")
        for level in ComputeConfiguration.InstructionSet.allCases where level <= .supported {
            let got = ComputeConfiguration(instructionSet: level).run { x.filteredLeakyReLU(bias: bias, op) }
            #expect(got.shape == expected.shape, "\(name) \(level): shape \(got.shape) vs \(expected.shape)")
            guard got.shape == expected.shape else { continue }
            let error = zip(got.scalars, e).map { abs($0 - $1) }.max()!
            #expect(error <= 1e-5 * range, "\(name) \(level): max error \(error), range \(range)")
        }
    }

    @Test("output size follows NVLabs' formula")
    func outputSize() {
        let op = FilteredLeakyReLU(upFilter: FIRFilter(separable: [Float](repeating: 1, count: 12)), up: 2,
                                   downFilter: FIRFilter(separable: [Float](repeating: 1, count: 12)), down: 2,
                                   padding: ResamplePadding(x0: -9, x1: -10, y0: -9, y1: -10))
        // StyleGAN3-R's L13 at 16 px: 36 in, 16 out.
        #expect(op.outputSize(height: 36, width: 36) == (16, 16))
    }
}
