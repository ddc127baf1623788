import Testing
@testable import ToonCore
import ToonTestSupport

@Suite("resize, avg pool and padding: values and gradients", .computeFromEnvironment)
struct ResizePoolPadTests {
    var random = TestRandom(seed: 13)

    @Test("padded adds constant borders and crops with negative amounts")
    func paddingValues() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.padded([(1, 0), (0, 1)], value: 9).scalars == [9, 9, 9, 9, 1, 2, 3, 9, 4, 5, 6, 9])
        #expect(x.padded([(0, -1), (-1, 1)]).scalars == [2, 3, 0])
        #expect(x.padded(axis: 1, before: 2, after: -2).scalars == [0, 0, 1, 0, 0, 4])
        #expect(x.padded([(-2, 0), (0, 0)]).shape == [0, 3])
    }

    @Test("avg pool and resize of a constant image stay constant (inside the padding)")
    func constants() {
        let x = Tensor(repeating: 3, shape: [1, 2, 6, 6])
        #expect(x.avgPool2d(kernel: 2).scalars.allSatisfy { $0 == 3 })
        for mode in [ResizeMode.bilinear, .nearest] {
            #expect(x.resized(height: 9, width: 4, mode: mode).scalars.allSatisfy { Swift.abs($0 - 3) < 1e-6 })
        }
        #expect(x.resized(height: 6, width: 6, mode: .bilinear).scalars == x.scalars)
    }

    @Test("resize, pool and pad differentiate once and twice",
          arguments: ["bilinear-up", "bilinear-down", "nearest", "pool", "pool-pad", "pad", "crop"])
    mutating func gradients(op: String) {
        let x = random.tensor([1, 2, 5, 6])
        let f: ([Tensor]) -> Tensor = { t in
            let v = t[0]
            switch op {
            case "bilinear-up": return v.resized(height: 8, width: 11, mode: .bilinear)
            case "bilinear-down": return v.resized(height: 3, width: 4, mode: .bilinear)
            case "nearest": return v.resized(height: 7, width: 4, mode: .nearest)
            case "pool": return v.avgPool2d(kernel: 2)
            case "pool-pad": return v.avgPool2d(kernel: 3, stride: 2, padding: 1)
            case "pad": return v.padded([(0, 0), (1, 0), (2, 1), (0, 3)], value: 0.5)
            default: return v.padded([(0, 0), (0, -1), (-1, 2), (-2, -1)])
            }
        }
        checkGradients(of: f, at: [x])
        checkSecondOrderGradients(of: { t in f(t).square() }, at: [x])
    }
}
