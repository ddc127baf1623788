import Testing
import ToonCore
import ToonTestSupport
@testable import Training

/// ADA's adjustment of p (NVLabs training_loop.py): every 4 steps, by batch * 4 / 500k, towards
/// keeping the mean sign of D's real logits at the target; never below 0.
@Suite struct AdaptiveProbabilityTests {
    static let step = Float(16 * 4) / 500_000

    @Test func pRisesWhenDIsOverconfidentOnReals() {
        let p = AdaptiveProbability.adjusted(0.2, signSum: 50, signCount: 64, target: 0.6, batch: 16)
        #expect(p == 0.2 + Self.step)
    }

    @Test func pFallsWhenDIsUnsureOfReals() {
        let p = AdaptiveProbability.adjusted(0.2, signSum: 10, signCount: 64, target: 0.6, batch: 16)
        #expect(p == 0.2 - Self.step)
    }

    @Test func pStaysAtZeroOrMore() {
        #expect(AdaptiveProbability.adjusted(0, signSum: -64, signCount: 64, target: 0.6, batch: 16) == 0)
        #expect(AdaptiveProbability.adjusted(Self.step / 2, signSum: -64, signCount: 64, target: 0.6, batch: 16) == 0)
    }

    @Test func signsCountZeroAsZero() {
        #expect(AdaptiveProbability.signSum(Tensor(shape: [5, 1], scalars: [2, -0.5, 0, 3, 1e-9])) == 2)
    }

    @Test func trainingAdjustsPEveryFourStepsFromTheTalliedSigns() throws {
        var options = tinyOptions(augment: .ada)
        options.adaTarget = 0.6
        let phases = try TrainingPhases(options: options, initialGenerator: TrainingState.initial(options).generator)
        var state = TrainingState.initial(options)
        state.augmentSignSum = 8
        state.augmentSignCount = 8
        state.step = 3
        phases.adjustAugmentProbability(&state)
        #expect(state.augmentP == 0 && state.augmentSignCount == 8, "step 3 is not an adjustment step")
        state.step = 4
        phases.adjustAugmentProbability(&state)
        #expect(state.augmentP == Float(options.batch * 4) / 500_000)
        #expect(state.augmentSignSum == 0 && state.augmentSignCount == 0)
    }
}
