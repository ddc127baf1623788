import CKernels
import Testing
@testable import ToonCore
import ToonTestSupport

/// Axis maps that are plain filters (the student's blur and upsampling, reflection padding) run their
/// interior through contiguous vector loops (`AxisMap.Regular`). The sums are formed in the general
/// kernel's order, so both must give the same floats, bit for bit, at every instruction-set level.
@Suite(.computeFromEnvironment)
struct AxisMapRegularTests {
    static let blur = setupFilter([1, 3, 3, 1])

    /// (name, map, the phase count its regular form must have, or nil for none).
    static func maps() -> [(String, AxisMap, Int?)] {
        let taps = blur.correlationWeights(flipFilter: false, gain: 2).taps
        func fir(_ size: Int, up: Int, down: Int, pad0: Int, pad1: Int, _ weights: [Float]) -> AxisMap {
            FIRAxisPlan(inSize: size, up: up, down: down, pad0: pad0, pad1: pad1, taps: weights.count).map(weights)
        }
        return [
            // The student's blur before a stride-2 convolution, and its upsampling (upsample2d's padding).
            ("blur 64", fir(64, up: 1, down: 1, pad0: 2, pad1: 2, taps), 1),
            ("blur 37", fir(37, up: 1, down: 1, pad0: 2, pad1: 2, taps), 1),
            ("up 2 of 32", fir(32, up: 2, down: 1, pad0: 2, pad1: 1, taps), 2),
            ("up 2 of 41", fir(41, up: 2, down: 1, pad0: 2, pad1: 1, taps), 2),
            ("up 2 odd padding", fir(40, up: 2, down: 1, pad0: 1, pad1: 2, taps), 2),
            ("three taps", fir(50, up: 1, down: 1, pad0: 1, pad1: 1, [0.3, -0.8, 1.1]), 1),
            ("five taps", fir(50, up: 1, down: 1, pad0: 2, pad1: 2, [0.1, 0.2, 0.4, 0.2, 0.1]), 1),
            ("two taps", fir(50, up: 1, down: 1, pad0: 0, pad1: 1, [0.7, 0.2]), 1),
            ("identity", fir(50, up: 1, down: 1, pad0: 0, pad1: 0, [1]), 1),
            // Downsampling reads every other input: not a regular form, the general kernel runs it.
            ("down 2", fir(64, up: 1, down: 2, pad0: 1, pad1: 1, taps), nil),
            ("up 3", fir(30, up: 3, down: 1, pad0: 2, pad1: 2, [0.2, 0.3, 0.5, 0.3, 0.2]), nil),
            ("too short", fir(6, up: 1, down: 1, pad0: 2, pad1: 2, taps), nil),
        ]
    }

    @Test("regular maps are recognised, and give the general kernel's floats at every level")
    func regularMatchesGeneral() {
        var random = TestRandom(seed: 5)
        let levels = ComputeConfiguration.InstructionSet.allCases.filter { $0 <= .supported }
        for (name, map, phases) in Self.maps() {
            #expect(map.regular?.phases == phases, "\(name): regular form \(String(describing: map.regular))")
            let rows = 3
            let source = random.tensor([rows * map.inSize]).scalars
            var expected = [Float](repeating: .nan, count: rows * map.outSize)
            map.index.withUnsafeBufferPointer { index in
                map.weight.withUnsafeBufferPointer { weight in
                    toon_axis_map_rows(Int32(TOON_ISA_BASELINE), source, &expected, rows, map.inSize, map.outSize,
                                       index.baseAddress!, weight.baseAddress!, map.width)
                }
            }
            for level in levels {
                var got = [Float](repeating: .nan, count: rows * map.outSize)
                ComputeConfiguration(instructionSet: level).run {
                    source.withUnsafeBufferPointer { s in
                        got.withUnsafeMutableBufferPointer { d in map.applyAlongRows(s.baseAddress!, d.baseAddress!, rows: 0..<rows) }
                    }
                }
                #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(name) at \(level)")
            }
        }
    }

    @Test("the student's blurred downsampling and upsampling are unchanged by the regular form")
    func upfirdnUnchanged() {
        var random = TestRandom(seed: 6)
        let x = random.tensor([1, 3, 40, 48])
        // The reference path applies the filter literally; the fast one (regular maps) must agree
        // as closely as it always has (same products, grouped differently).
        for (up, padding) in [(1, ResamplePadding(2)), (2, ResamplePadding(x0: 2, x1: 1, y0: 2, y1: 1))] {
            let fast = x.upfirdn2d(Self.blur, up: ResampleFactor(up), padding: padding, gain: Float(up * up))
            let slow = x.upfirdn2d(Self.blur, up: ResampleFactor(up), padding: padding, gain: Float(up * up), implementation: .reference)
            expectClose(fast, slow, tolerance: 1e-5, "up \(up)")
        }
    }
}
