import Testing
import ToonCore
import ToonTestSupport

/// Gradients of gradient norms (what R1 and path-length regularisation differentiate) through the
/// elementwise binary ops with broadcasting and through every layout op. A linear op alone has a
/// constant gradient, so each case cubes the op's output: the first gradient then goes back
/// through the op's VJP with a cotangent that depends on the inputs, and the second derivative
/// goes through the VJP of that VJP. `checkGradientPenalty` states the tolerances and why they
/// can be this tight.
@Suite("Second-order gradients: gradient norms through binary and layout ops", .computeFromEnvironment)
struct SecondOrderGradientTests {
    @Test("add, sub, max and min, with broadcasting, differentiate twice",
          arguments: ["add", "sub", "max", "min", "max-swapped", "min-swapped"])
    func binary(op: String) {
        let (a, b) = Self.apart(aShape: [2, 3, 4], bShape: [3, 1])
        let f: ([Tensor]) -> Tensor = { x in
            let y: Tensor = switch op {
            case "add": x[0] + x[1]
            case "sub": x[0] - x[1]
            case "max": x[0].maximum(x[1])
            case "min": x[0].minimum(x[1])
            case "max-swapped": x[1].maximum(x[0])
            default: x[1].minimum(x[0])
            }
            return y * y * y
        }
        checkGradientPenalty(of: f, at: [a, b])
    }

    @Test("a broadcast operand on the left, and both operands broadcast", arguments: ["add", "sub", "max", "min"])
    func twoWayBroadcast(op: String) {
        let (a, b) = Self.apart(aShape: [2, 1, 4], bShape: [3, 1])
        let f: ([Tensor]) -> Tensor = { x in
            let y: Tensor = switch op {
            case "add": x[1] + x[0]
            case "sub": x[1] - x[0]
            case "max": x[1].maximum(x[0])
            default: x[1].minimum(x[0])
            }
            return y * y * y
        }
        checkGradientPenalty(of: f, at: [a, b])
    }

    @Test("layout ops differentiate twice",
          arguments: ["reshape", "flatten", "permute", "permute-2d", "slice-outer", "slice-inner", "slice-last",
                      "expand", "expand-rank", "sum-to-shape", "concat-self", "pad", "pad-value", "crop", "pad-crop",
                      "flip", "flip-all", "chain"])
    func layout(op: String) {
        var random = TestRandom(seed: 31)
        let x = random.tensor([2, 3, 4])
        let f: ([Tensor]) -> Tensor = { t in
            let y = Self.layoutOp(op, t[0])
            return y * y * y
        }
        checkGradientPenalty(of: f, at: [x])
    }

    @Test("concatenate of two inputs along each axis differentiates twice", arguments: [0, 1, 2, -1])
    func concatenate(axis: Int) {
        var random = TestRandom(seed: 37)
        let a = random.tensor([2, 3, 2])
        var other = a.shape
        other[axis < 0 ? 2 : axis] = 1
        let b = random.tensor(other)
        let f: ([Tensor]) -> Tensor = { x in
            let y = Tensor.concatenate([x[0], x[1]], axis: axis)
            return y * y * y
        }
        checkGradientPenalty(of: f, at: [a, b])
    }

    @Test("a layout op between two inputs: the penalty of one input's gradient moves the other (R1's shape)")
    func mixed() {
        var random = TestRandom(seed: 41)
        let x = random.tensor([2, 3, 4]), w = random.tensor([4, 3])
        let f: ([Tensor]) -> Tensor = { t in
            // Squared, not cubed: y is a product of the two inputs, so a cube would make the
            // penalty a polynomial of degree 6, beyond what the stencil differentiates exactly.
            let y = t[0].permuted([0, 2, 1]).slice(axis: 1, 1..<4) * t[1].slice(axis: 0, 1..<4)
            return y * y
        }
        checkGradientPenalty(of: f, at: [x, w])
    }

    /// The layout op named `op` on a [2, 3, 4] tensor.
    static func layoutOp(_ op: String, _ v: Tensor) -> Tensor {
        switch op {
        case "reshape": v.reshaped([4, -1])
        case "flatten": v.flattenedBatch()
        case "permute": v.permuted([2, 0, 1])
        case "permute-2d": v.reshaped([6, 4]).permuted([1, 0])
        case "slice-outer": v.slice(axis: 0, 1..<2)
        case "slice-inner": v.slice(axis: 1, 1..<3)
        case "slice-last": v.slice(axis: -1, 0..<3)
        case "expand": v.reshaped([2, 1, 3, 4]).expanded(to: [2, 2, 3, 4])
        case "expand-rank": v.slice(axis: 2, 0..<1).expanded(to: [3, 2, 3, 2])
        case "sum-to-shape": v.sum(toShape: [3, 1])
        case "concat-self": Tensor.concatenate([v, v.slice(axis: 1, 0..<2).flipped(axes: [2])], axis: 1)
        case "pad": v.padded([(1, 0), (0, 2), (1, 1)])
        case "pad-value": v.padded(axis: 2, before: 2, after: 1, value: 0.5)
        case "crop": v.padded([(0, 0), (-1, 0), (-1, -1)])
        case "pad-crop": v.padded([(0, 1), (1, -1), (-2, 1)])
        case "flip": v.flipped(axes: [1])
        case "flip-all": v.flipped(axes: [0, 1, 2])
        default: v.permuted([1, 2, 0]).slice(axis: 1, 1..<4).reshaped([3, 6]).flipped(axes: [0]).padded(axis: 1, before: 1, after: 0)
        }
    }

    /// Operands for max and min: every element of `a` lies 0.6 to 1 above or below every element
    /// of `b`, so no finite-difference step (up to 2 x 0.25) crosses a kink, whichever elements
    /// broadcasting pairs.
    static func apart(aShape: [Int], bShape: [Int]) -> (Tensor, Tensor) {
        var random = TestRandom(seed: 23)
        let b = random.tensor(bShape, -0.5...0.5)
        let low = b.scalars.min()!, high = b.scalars.max()!
        let a = (0..<Shape.count(aShape)).map { _ -> Float in
            let gap = 0.6 + 0.4 * random.unit()
            return random.below(2) == 0 ? low - gap : high + gap
        }
        return (Tensor(shape: aShape, scalars: a), b)
    }
}
