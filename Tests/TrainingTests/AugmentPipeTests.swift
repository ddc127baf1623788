import Testing
import ToonCore
import ToonTestSupport
@testable import Training

/// ADA's pipeline as training uses it: the probability p, draws from the run's random streams, and
/// gradients (R1 differentiates D(augment(x)) with respect to x, then that with respect to D).
@Suite(.computeFromEnvironment) struct AugmentPipeTests {
    let pipe = AugmentPipe(random: TrainingRandom(seed: 4))

    @Test func probabilityZeroIsTheIdentity() {
        var random = TestRandom(seed: 1)
        let x = random.tensor([8, 3, 16, 16])
        #expect(pipe(x, probability: 0, step: 5, call: 2).scalars == x.scalars)
    }

    @Test func probabilityOneChangesEveryImage() {
        var random = TestRandom(seed: 2)
        let x = random.tensor([16, 3, 16, 16])
        let y = pipe(x, probability: 1, step: 5, call: 2)
        for i in 0..<16 {
            let a = x.slice(axis: 0, i..<(i + 1)).scalars, b = y.slice(axis: 0, i..<(i + 1)).scalars
            #expect(zip(a, b).map { abs($0 - $1) }.max()! > 0.01, "image \(i) unchanged")
        }
    }

    @Test func drawsDependOnStepAndCallOnly() {
        var random = TestRandom(seed: 3)
        let x = random.tensor([4, 3, 16, 16])
        #expect(pipe(x, probability: 0.5, step: 3, call: 1).scalars == pipe(x, probability: 0.5, step: 3, call: 1).scalars)
        #expect(pipe(x, probability: 0.5, step: 3, call: 1).scalars != pipe(x, probability: 0.5, step: 3, call: 2).scalars)
        #expect(pipe(x, probability: 0.5, step: 3, call: 1).scalars != pipe(x, probability: 0.5, step: 4, call: 1).scalars)
        // Another run seed draws differently.
        let other = AugmentPipe(random: TrainingRandom(seed: 5))
        #expect(pipe(x, probability: 0.5, step: 3, call: 1).scalars != other(x, probability: 0.5, step: 3, call: 1).scalars)
    }

    @Test func eachTransformIsChosenWithProbabilityP() {
        var random = TrainingRandom(seed: 9).stream(.augment, 0)
        let n = 4000
        let drawn = AugmentParameters.draw(count: n, channels: 3, probability: 0.3, using: &random)
        func share(_ on: (AugmentParameters) -> Bool) -> Double { Double(drawn.filter(on).count) / Double(n) }
        // Scale, aniso, xfrac, brightness, contrast, hue and saturation are continuous: chosen means changed.
        for (name, rate) in [("scale", share { $0.scale != 1 }), ("aniso", share { $0.aniso != 1 }),
                             ("xfrac", share { $0.xfrac != (0, 0) }), ("brightness", share { $0.brightness != 0 }),
                             ("contrast", share { $0.contrast != 1 }), ("hue", share { $0.hue != 0 }),
                             ("saturation", share { $0.saturation != 1 }),
                             ("rotation before or after", share { $0.rotateBefore != 0 || $0.rotateAfter != 0 })] {
            #expect(abs(rate - 0.3) < 0.03, "\(name) chosen for \(rate) of the images")
        }
        // A chosen flip is a flip half the time.
        #expect(abs(share { $0.xflip == 1 } - 0.15) < 0.03)
        #expect(abs(share { $0.lumaflip == 1 } - 0.15) < 0.03)
        #expect(abs(share { $0.rotate90 != 0 } - 0.225) < 0.03)
        // Grey images get no hue or saturation draws.
        var again = TrainingRandom(seed: 9).stream(.augment, 0)
        #expect(AugmentParameters.draw(count: 64, channels: 1, probability: 1, using: &again).allSatisfy { $0.hue == 0 && $0.saturation == 1 })
    }

    /// Every transform at once, on two images, as fixed parameters (the draws are constants of the step).
    static let parameters: [AugmentParameters] = {
        var a = AugmentParameters(), b = AugmentParameters()
        (a.xflip, a.rotate90, a.xint, a.scale, a.rotateBefore, a.aniso, a.rotateAfter, a.xfrac) = (1, 1, (0.1, 0), 0.9, 0.3, 1.2, -0.4, (0.03, -0.04))
        (a.brightness, a.contrast, a.lumaflip, a.hue, a.saturation) = (0.1, 1.2, 1, 0.7, 1.4)
        (b.scale, b.xfrac, b.contrast, b.hue) = (1.1, (-0.05, 0.02), 0.8, -0.4)
        return [a, b]
    }()

    @Test func gradientsMatchFiniteDifferences() {
        var random = TestRandom(seed: 6)
        checkGradients(of: { AugmentPipe.apply(Self.parameters, to: $0[0]) }, at: [random.tensor([2, 3, 8, 8])])
    }

    /// R1 through the augmentation: the gradient of |d<f(aug(x)), r>/dx|^2, with f a cube so the
    /// first gradient depends on x, against finite differences.
    @Test func secondOrderGradientsMatchFiniteDifferences() {
        var random = TestRandom(seed: 7)
        checkSecondOrderGradients(of: { t in
            let y = AugmentPipe.apply(Self.parameters, to: t[0])
            return y * y * y
        }, at: [random.tensor([2, 3, 8, 8])])
    }
}
