import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

/// Values derived from a tensor's elements are computed once and never outlive the elements.
@Suite("Derived values kept with a tensor's storage", .computeFromEnvironment)
struct DerivedValueTests {
    @Test("computed once per view and name, then reused")
    func computedOnce() {
        let weight = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        var calls = 0
        let double: (Tensor) -> Tensor = { calls += 1; return $0 * 2 }
        #expect(weight.derived("double", double).scalars == [2, 4, 6, 8, 10, 12])
        #expect(weight.derived("double", double).scalars == [2, 4, 6, 8, 10, 12])
        #expect(calls == 1)
        // Another name, or another view of the same storage, is another value.
        _ = weight.derived("twice", double)
        let row = weight.slice(axis: 0, 1..<2)  // a view: same storage, offset 3
        #expect(row.storage === weight.storage && row.derived("double", double).scalars == [8, 10, 12])
        #expect(calls == 3)
    }

    @Test("writing in place drops them; a copy-on-write leaves the original's")
    func invalidatedByWrites() {
        var weight = Tensor(shape: [3], scalars: [1, 2, 3])
        let sum: (Tensor) -> Tensor = { $0.sum() }
        #expect(weight.derived("sum", sum).scalar == 6)
        weight.withUnsafeMutableBufferPointer { $0[0] = 10 }
        #expect(weight.derived("sum", sum).scalar == 15)

        let original = weight
        weight.withUnsafeMutableBufferPointer { $0[1] = 20 }  // shared: copies, the original is untouched
        #expect(weight.derived("sum", sum).scalar == 33)
        #expect(original.derived("sum", sum).scalar == 15)
    }

    @Test("a derived value records no gradient history")
    func noHistory() {
        let weight = Tensor(shape: [2], scalars: [1, 2]).requiringGrad()
        let derived = weight.derived("square") { $0.square() }
        #expect(!derived.requiresGrad)
    }

    @Test("a convolution reuses its weight's transform and sees changed weights")
    func convolutionFollowsWeights() {
        var random = TestRandom(seed: 3)
        let x = random.tensor([1, 16, 32, 32])
        var w = random.tensor([16, 16, 3, 3])
        let first = x.conv2d(w, padding: 1)
        #expect(maxAbsDifference(x.conv2d(w, padding: 1).scalars, first.scalars) == 0)
        w.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = -$0[i] } }
        let negated = x.conv2d(w, padding: 1)
        #expect(maxAbsDifference(negated.scalars, (-first).scalars) < 1e-6)
    }
}
