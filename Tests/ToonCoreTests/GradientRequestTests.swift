import Testing
@testable import ToonCore
import ToonTestSupport

/// A VJP is told which of its inputs the walk needs, so R1 and path length never compute weight
/// gradients nobody asked for.
@Suite(.computeFromEnvironment) struct GradientRequestTests {
    final class Seen: @unchecked Sendable { var needed: [Bool] = [] }

    func probe(_ x: Tensor, _ w: Tensor, _ seen: Seen) -> Tensor {
        var out = x * 2
        out.recordHistory("probe", inputs: [x, w]) { g in
            seen.needed = [Tensor.isGradientNeeded(x, index: 0), Tensor.isGradientNeeded(w, index: 1)]
            return [g * 2, nil]
        }
        return out
    }

    @Test func onlyInputsOnAPathToATargetAreNeeded() {
        let x = Tensor.ones([2]).requiringGrad(), w = Tensor.ones([2]).requiringGrad()
        let seen = Seen()
        _ = gradients(of: probe(x, w, seen).sum(), wrt: [x])
        #expect(seen.needed == [true, false])
        _ = gradients(of: probe(x, w, seen).sum(), wrt: [w])
        #expect(seen.needed == [false, true])
        _ = gradients(of: probe(x, w, seen).sum(), wrt: [x, w])
        #expect(seen.needed == [true, true])
    }

    @Test func convolutionInputGradientAloneMatchesTheFullWalk() {
        let x = Tensor.randomNormal(shape: [1, 2, 5, 5], seed: 1).requiringGrad()
        let w = Tensor.randomNormal(shape: [3, 2, 3, 3], seed: 2).requiringGrad()
        let y = (x.conv2d(w, padding: 1).square()).sum()
        let alone = gradients(of: y, wrt: [x])[0], both = gradients(of: y, wrt: [x, w])[0]
        #expect(alone.scalars == both.scalars)
    }
}
