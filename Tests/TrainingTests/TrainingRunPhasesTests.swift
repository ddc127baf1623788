import Foundation
import Testing
import ToonCore
import ToonTestSupport
@testable import Training

/// `runEveryPhase`, what the per-phase benchmarks time, and the reuse budget training runs with.
@Suite struct TrainingRunPhasesTests {
    @Test func everyPhaseRunsOnceInNVLabsOrderAsOneStep() throws {
        let options = tinyOptions()
        let start = TrainingState.initial(options)
        var run = try TrainingRun(options: options, data: tinyData(), directory: URL(fileURLWithPath: "/nonexistent"), state: start)
        var names: [String] = []
        run.runEveryPhase { name, phase in
            names.append(name)
            phase()
        }
        #expect(names == ["Gmain", "Greg", "Dmain", "Dreg", "Gema"])
        #expect(run.state.step == 1 && run.state.imagesSeen == options.batch)
        #expect(run.state.plMean != start.plMean, "Greg ran")
        for (name, before) in start.discriminator.pairs where before.count > 1 {
            #expect(run.state.discriminator[name].scalars != before.scalars, "\(name) took no D step")
        }
        let changedG = start.generator.pairs.filter { run.state.generator[$0.name].scalars != $0.tensor.scalars }
        #expect(!changedG.isEmpty && run.state.generatorEMA["mapping.fc0.weight"].scalars != start.generatorEMA["mapping.fc0.weight"].scalars)
    }

    @Test func trainingCapsTheReuseBudget() {
        let big = ComputeConfiguration(reusableMemoryBytes: 3 << 30), small = ComputeConfiguration(reusableMemoryBytes: 1 << 20)
        #expect(big.forTraining.reusableMemoryBytes == ComputeConfiguration.trainingReusableMemoryBytes)
        #expect(small.forTraining.reusableMemoryBytes == 1 << 20)
        #expect(big.forTraining.threads == big.threads && big.forTraining.instructionSet == big.instructionSet)
    }
}
