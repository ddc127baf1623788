import Testing
import ToonCore
import ToonNN
import ToonTestSupport
@testable import Training

/// Dmain differentiates its fake half before D sees the reals (one D graph alive at a time, as NVLabs'
/// Dgen and Dreal); the step must equal the one taken on the whole loss in one graph.
@Suite struct DiscriminatorMainTests {
    @Test(arguments: [nil, TrainingOptions.Augmentation.ada])
    func halvesGiveTheWholeLossStep(augment: TrainingOptions.Augmentation?) throws {
        let options = tinyOptions(augment: augment)
        let phases = try TrainingPhases(options: options, initialGenerator: TrainingState.initial(options).generator)
        var state = TrainingState.initial(options)
        state.step = 5
        state.augmentP = 0.5
        let reals = tinyData().batch(Array(0..<options.batch), mirrored: Array(repeating: false, count: options.batch))

        // The whole loss in one graph, with the same fakes and the same augmentation draws.
        var whole = state
        let fakes = withoutGradients {
            phases.runGenerator(&whole.generator, trainable: nil, batch: options.batch, step: whole.step, TrainingPhases.dMainLatents)
        }
        let leaves = phases.discriminatorLeaves(whole.discriminator)
        let fakeLogits = phases.discriminate(fakes.images, labels: nil, leaves, step: whole.step, call: 1, augmentP: whole.augmentP)
        let realLogits = phases.discriminate(reals, labels: nil, leaves, step: whole.step, call: 2, augmentP: whole.augmentP)
        let loss = GANLoss.discriminator(fakeLogits: fakeLogits, realLogits: realLogits)
        whole.discriminatorOptimizer.step(&whole.discriminator, gradients: phases.gradients(of: loss, leaves))

        let result = phases.discriminatorMain(&state, reals: reals, realLabels: nil)
        #expect(abs(result.loss - loss.scalar) <= 1e-6 * max(1, abs(loss.scalar)))
        #expect(result.fake == fakeLogits.mean().scalar && result.real == realLogits.mean().scalar)
        #expect(state.generator["mapping.w_avg"].scalars == whole.generator["mapping.w_avg"].scalars, "Dmain's G pass moves w_avg")
        for (name, expected) in whole.discriminator.pairs {
            let got = state.discriminator[name]
            let scale = max(expected.scalars.map(abs).max() ?? 0, 1e-3)
            let worst = zip(got.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-5 * scale, "\(name): \(worst)")
        }
    }
}
