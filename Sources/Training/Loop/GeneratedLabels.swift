import ToonCore

/// The labels a conditional run asks G for: as NVLabs' training loop draws them, the labels of dataset
/// images picked uniformly at random, a fresh draw per phase. The picks come from the run's per-step
/// streams, so a resumed run draws what the uninterrupted one drew.
struct GeneratedLabels: Sendable {
    /// Every dataset image's label, [count, cDim].
    let table: Tensor
    let random: TrainingRandom

    /// Labels [n, cDim] of n images picked at random for (purpose, step).
    func draw(_ n: Int, _ purpose: TrainingRandom.Purpose, step: Int) -> Tensor {
        var stream = random.stream(purpose, step)
        let count = table.shape[0]
        return table.rows((0..<n).map { _ in min(Int(stream.randomSample() * Double(count)), count - 1) })
    }
}
