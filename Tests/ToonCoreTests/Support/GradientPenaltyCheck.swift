import Testing
import ToonCore
import ToonTestSupport

/// Checks second derivatives the way R1 and path-length regularisation use them: the penalty
/// P(xs) = sum over inputs k of |dL/dx_k|^2, with L = <f(xs), r> for a fixed random r, is
/// differentiated by autodiff (the first gradients taken with `createGraph`) and compared with
/// finite differences of P.
///
/// The finite differences use the five-point stencil, which is exact for polynomials of degree 4
/// or less. The tests build f as a cube of the op under test, so P is such a polynomial near the
/// inputs (max and min are kept `2 * step` away from their kinks) and the stencil adds no
/// truncation error: what is left is Float32 rounding in f and its gradient, which P sums in Double.
/// A large step (a power of two, so x ± step adds no rounding of its own) keeps that rounding,
/// divided by the step, small.
func checkGradientPenalty(
    of f: @escaping ([Tensor]) -> Tensor, at inputs: [Tensor], step: Float = 0.25,
    absoluteTolerance: Double = 1e-4, relativeTolerance: Double = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var random = TestRandom(seed: 13)
    let weights = random.tensor(withoutGradients { f(inputs) }.shape)
    let firstGradients: ([Tensor]) -> [Tensor] = { leaves in
        gradients(of: (f(leaves) * weights).sum(), wrt: leaves, createGraph: true)
    }
    let penalty: ([Tensor]) -> Double = { xs in
        let grads = withGradients { firstGradients(xs.map { $0.requiringGrad() }) }
        return grads.reduce(0) { total, g in g.scalars.reduce(total) { $0 + Double($1) * Double($1) } }
    }
    let leaves = inputs.map { $0.requiringGrad() }
    let analytic = withGradients {
        let grads = firstGradients(leaves)
        let total = grads.map { ($0 * $0).sum() }.reduce(Tensor(0)) { $0 + $1 }
        return gradients(of: total, wrt: leaves)
    }
    for (index, input) in inputs.enumerated() {
        for element in 0..<input.count {
            let moved = { (by: Float) -> Double in
                var xs = inputs
                xs[index].withUnsafeMutableBufferPointer { $0[element] += by }
                return penalty(xs)
            }
            let numeric = (moved(-2 * step) - 8 * moved(-step) + 8 * moved(step) - moved(2 * step)) / (12 * Double(step))
            let exact = Double(analytic[index].scalars[element])
            let tolerance = absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(numeric), Swift.abs(exact))
            #expect(Swift.abs(numeric - exact) <= tolerance,
                    "input \(index) element \(element): finite difference \(numeric), autodiff \(exact)",
                    sourceLocation: sourceLocation)
        }
    }
}
