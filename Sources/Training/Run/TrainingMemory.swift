import ToonCore

extension ComputeConfiguration {
    /// Most bytes of freed blocks that training keeps for reuse: `toon train` and the benchmarks run
    /// with at most this much. A step's graphs hold many blocks at once and free them in bursts, so a
    /// larger idle pool stacks on the step's own peak: at config-f widths, 64 px batch 8, the default
    /// 3 GiB raised it by about 1 GB (4.7 against 3.7 GB; NVLabs' 4.2 GB) to save about 3% of the
    /// time (docs/performance.md).
    public static let trainingReusableMemoryBytes = 512 << 20

    /// This configuration with its reuse budget capped at `trainingReusableMemoryBytes`.
    public var forTraining: ComputeConfiguration {
        var configuration = self
        configuration.reusableMemoryBytes = min(reusableMemoryBytes, Self.trainingReusableMemoryBytes)
        return configuration
    }
}
