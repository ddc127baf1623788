import Testing
import ToonCore
import ToonTestSupport
@testable import Training

@Suite(.computeFromEnvironment) struct DiffAugmentTests {
    let augment = DiffAugment(random: TrainingRandom(seed: 4))

    @Test func drawsDependOnStepAndCallOnly() {
        var random = TestRandom(seed: 1)
        let x = random.tensor([4, 3, 16, 16])
        #expect(augment(x, step: 3, call: 1).scalars == augment(x, step: 3, call: 1).scalars)
        #expect(augment(x, step: 3, call: 1).scalars != augment(x, step: 3, call: 2).scalars)
        #expect(augment(x, step: 3, call: 1).scalars != augment(x, step: 4, call: 1).scalars)
    }

    @Test func cutoutAndTranslationZeroPartOfEveryImage() {
        let y = augment(Tensor.ones([8, 3, 16, 16]), step: 0, call: 0)
        for i in 0..<8 {
            let image = y.slice(axis: 0, i..<(i + 1)).scalars
            let zeros = image.filter { $0 == 0 }.count
            // A cutout of 8x8 clipped at the border covers at least 4x4 pixels in all three channels.
            #expect(zeros >= 3 * 16, "image \(i) has \(zeros) zeros")
            #expect(zeros < image.count)
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        var random = TestRandom(seed: 2)
        checkGradients(of: { augment($0[0], step: 7, call: 2) }, at: [random.tensor([2, 3, 8, 8])])
    }
}
