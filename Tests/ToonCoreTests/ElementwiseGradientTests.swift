import Testing
@testable import ToonCore
import ToonTestSupport

@Suite("Elementwise ops: values and gradients", .computeFromEnvironment)
struct ElementwiseGradientTests {
    var random = TestRandom(seed: 1)

    @Test("broadcast add, sub, mul, div match hand-computed values")
    func broadcastValues() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3], scalars: [10, 20, 30])
        #expect((a + b).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a - b).scalars == [-9, -18, -27, -6, -15, -24])
        let c = Tensor(shape: [2, 1], scalars: [2, 4])
        #expect((a * c).scalars == [2, 4, 6, 16, 20, 24])
        #expect((a / c).scalars == [0.5, 1, 1.5, 1, 1.25, 1.5])
        let d = Tensor(shape: [1, 3, 1], scalars: [1, 2, 3]) * Tensor(shape: [2, 1, 2], scalars: [1, 10, 100, 1000])
        #expect(d.shape == [2, 3, 2])
        #expect(d.scalars == [1, 10, 2, 20, 3, 30, 100, 1000, 200, 2000, 300, 3000])
    }

    @Test("binary ops differentiate through broadcasting", arguments: ["add", "sub", "mul", "div", "max", "min"])
    mutating func binaryGradients(op: String) {
        let a = random.tensor([2, 3, 4]), b = random.tensor([3, 1], 0.5...1.5)
        let f: ([Tensor]) -> Tensor = { x in
            switch op {
            case "add": return x[0] + x[1]
            case "sub": return x[0] - x[1]
            case "mul": return x[0] * x[1]
            case "div": return x[0] / x[1]
            case "max": return x[0].maximum(x[1])
            default: return x[0].minimum(x[1])
            }
        }
        checkGradients(of: f, at: [a, b])
        if op == "mul" || op == "div" { checkSecondOrderGradients(of: f, at: [a, b]) }
    }

    @Test("unary ops differentiate once and twice",
          arguments: ["exp", "log", "sqrt", "rsqrt", "square", "pow", "sigmoid", "tanh", "softplus", "lrelu", "clamp", "abs"])
    mutating func unaryGradients(op: String) {
        let positive = ["log", "sqrt", "rsqrt", "pow"].contains(op)
        // Keep inputs away from the kinks of lrelu, clamp and abs, where differences straddle two slopes.
        var x = random.tensor([3, 5], positive ? 0.5...2 : -2...2)
        if ["lrelu", "clamp", "abs"].contains(op) {
            x = x.mapValues { Swift.abs($0) < 0.1 ? $0 + 0.3 : (Swift.abs(Swift.abs($0) - 1) < 0.1 ? $0 * 1.2 : $0) }
        }
        let f: ([Tensor]) -> Tensor = { t in
            let v = t[0]
            switch op {
            case "exp": return v.exp()
            case "log": return v.log()
            case "sqrt": return v.sqrt()
            case "rsqrt": return v.rsqrt()
            case "square": return v.square()
            case "pow": return v.pow(1.7)
            case "sigmoid": return v.sigmoid()
            case "tanh": return v.tanh()
            case "softplus": return v.softplus()
            case "lrelu": return v.leakyReLU(slope: 0.2)
            case "clamp": return v.clamped(to: -1...1)
            default: return v.abs()
            }
        }
        checkGradients(of: f, at: [x])
        checkSecondOrderGradients(of: f, at: [x])
    }

    @Test("softplus does not overflow for large inputs")
    func softplusLarge() {
        let y = Tensor(shape: [3], scalars: [100, -100, 0]).softplus().scalars
        #expect(y[0] == 100)
        #expect(y[1] >= 0 && y[1] < 1e-30)
        #expect(Swift.abs(y[2] - 0.6931472) < 1e-6)
    }
}
