import Testing
@testable import ToonCore
import ToonTestSupport

@Suite("upfirdn2d: fast path, reference path, wrappers and gradients", .computeFromEnvironment)
struct UpFirDnTests {
    var random = TestRandom(seed: 11)

    /// One upfirdn2d configuration, named for failure messages.
    struct Config: CustomStringConvertible, Sendable {
        var filter: FIRFilter
        var up: ResampleFactor = 1
        var down: ResampleFactor = 1
        var padding: ResamplePadding = 0
        var flip = false
        var gain: Float = 1
        var description: String {
            "\(filter.isSeparable ? "1-D" : "2-D") \(filter.height)x\(filter.width) up (\(up.x),\(up.y)) down (\(down.x),\(down.y)) " +
                "pad (\(padding.x0),\(padding.x1),\(padding.y0),\(padding.y1)) flip \(flip) gain \(gain)"
        }
    }

    static let blur = setupFilter([1, 3, 3, 1])
    static let asymmetric2D = FIRFilter(height: 3, width: 2, taps: [0.5, -1, 2, 0.25, 1.5, -0.75])
    static let asymmetric1D = FIRFilter(separable: [0.3, -0.8, 1.1])

    /// Gradient-check configurations: every feature at least once, including crops and mixed factors.
    static let gradientConfigs: [Config] = [
        Config(filter: blur, up: 2, padding: ResamplePadding(x0: 2, x1: 1, y0: 2, y1: 1), gain: 4),
        Config(filter: blur, down: 2, padding: 1),
        Config(filter: asymmetric2D, up: ResampleFactor(x: 2, y: 1), down: ResampleFactor(x: 1, y: 2),
               padding: ResamplePadding(x0: 1, x1: -1, y0: 2, y1: 0), flip: true, gain: 1.5),
        Config(filter: asymmetric1D, up: 3, down: 2, padding: ResamplePadding(x0: -1, x1: 2, y0: 0, y1: 1)),
    ]

    @Test("fast path matches the literal reference path on many parameter combinations")
    mutating func fastMatchesReference() {
        let filters: [FIRFilter] = [.identity, Self.blur, setupFilter([1, 3, 3, 1], separable: false),
                                    Self.asymmetric1D, Self.asymmetric2D, FIRFilter(separable: [0.7, 0.2])]
        let factors: [ResampleFactor] = [1, 2, ResampleFactor(x: 3, y: 1)]
        let paddings: [ResamplePadding] = [0, 2, ResamplePadding(x0: -1, x1: 3, y0: 1, y1: -2),
                                           ResamplePadding(x0: 0, x1: -2, y0: -1, y1: 0)]
        var checked = 0
        for filter in filters {
            for up in factors {
                for down in factors {
                    for padding in paddings {
                        for flip in [false, true] {
                            let x = random.tensor([2, 3, 5, 6])
                            let h = 5 * up.y + padding.y0 + padding.y1, w = 6 * up.x + padding.x0 + padding.x1
                            guard h >= filter.height && w >= filter.width else { continue }
                            let config = Config(filter: filter, up: up, down: down, padding: padding, flip: flip, gain: 1.3)
                            let fast = x.upfirdn2d(filter, up: up, down: down, padding: padding, flipFilter: flip, gain: 1.3)
                            let slow = x.upfirdn2d(filter, up: up, down: down, padding: padding, flipFilter: flip, gain: 1.3,
                                                   implementation: .reference)
                            // Same products, different summation order and grouping: a few ulp apart.
                            expectClose(fast, slow, tolerance: 1e-5, "\(config)")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 300)
    }

    @Test("the identity filter with no resampling returns the input; padding only adds zeros")
    mutating func identityAndPadding() {
        let x = random.tensor([1, 2, 3, 4])
        #expect(x.upfirdn2d().scalars == x.scalars)
        let padded = x.upfirdn2d(padding: ResamplePadding(x0: 1, x1: 0, y0: 0, y1: 2))
        #expect(padded.shape == [1, 2, 5, 5])
        #expect(padded.scalars == x.padded([(0, 0), (0, 0), (0, 2), (1, 0)]).scalars)
    }

    @Test("upsample2d, downsample2d and filter2d keep a constant image constant away from the borders")
    func wrappersPreserveConstants() {
        let x = Tensor(repeating: 2, shape: [1, 1, 8, 8])
        let up = x.upsample2d(Self.blur)
        #expect(up.shape == [1, 1, 16, 16])
        let down = x.downsample2d(Self.blur)
        #expect(down.shape == [1, 1, 4, 4])
        let same = x.filter2d(Self.blur)
        #expect(same.shape == [1, 1, 8, 8])
        for (t, size) in [(up, 16), (down, 4), (same, 8)] {
            let v = t.scalars
            for y in 2..<(size - 2) {
                for xx in 2..<(size - 2) { #expect(Swift.abs(v[y * size + xx] - 2) < 1e-6) }
            }
        }
    }

    @Test("setupFilter normalises to sum 1 in separable and 2-D form")
    func setupFilterNormalises() {
        #expect(Self.blur.taps == [0.125, 0.375, 0.375, 0.125])
        let square = setupFilter([1, 3, 3, 1], separable: false)
        #expect(square.height == 4 && square.width == 4)
        #expect(square.taps.reduce(0, +) == 1)
        let flipped: [Float] = [Float(4) / 3, Float(2) / 3]
        #expect(setupFilter([1, 2], flip: true, gain: 4).taps == flipped)
    }

    @Test("upfirdn2d differentiates once and twice", arguments: 0..<4)
    mutating func gradients(config index: Int) {
        let c = Self.gradientConfigs[index]
        let x = random.tensor([1, 2, 5, 4])
        let f: ([Tensor]) -> Tensor = { t in
            t[0].upfirdn2d(c.filter, up: c.up, down: c.down, padding: c.padding, flipFilter: c.flip, gain: c.gain)
        }
        checkGradients(of: f, at: [x])
        // Linear in x, so the second derivative is zero; the check makes sure the VJP itself records
        // (through a square, so second derivatives are non-zero and go through the adjoint twice).
        checkSecondOrderGradients(of: { t in f(t).square() }, at: [x])
    }

    @Test("the wrappers differentiate", arguments: ["upsample2d", "downsample2d", "filter2d"])
    mutating func wrapperGradients(op: String) {
        let x = random.tensor([1, 1, 6, 6])
        let f: ([Tensor]) -> Tensor = { t in
            switch op {
            case "upsample2d": return t[0].upsample2d(Self.blur)
            case "downsample2d": return t[0].downsample2d(Self.blur)
            default: return t[0].filter2d(Self.asymmetric2D, padding: 1)
            }
        }
        checkGradients(of: f, at: [x])
    }
}
