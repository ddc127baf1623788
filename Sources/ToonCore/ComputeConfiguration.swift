import CKernels
import Foundation

/// How ToonKit's math runs: which vector instructions and matrix kernel, on how many threads, and
/// how much freed memory it keeps for reuse. A value, never a process-wide switch: code runs with
/// `ComputeConfiguration.automatic` unless a caller scopes another one around it,
///
///     try ComputeConfiguration(instructionSet: .avx2, threads: 1).run { try generator.generate(...) }
///
/// and the scope covers every thread that ToonKit's parallel loops start inside it.
public struct ComputeConfiguration: Sendable, Equatable {
    /// Vector instruction sets, in increasing order (x86-64 levels; other CPUs run `.baseline` code).
    public enum InstructionSet: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        /// x86-64 with SSE2: what every 64-bit x86 CPU runs (and every other architecture).
        case baseline
        /// AVX2 and FMA (x86-64-v3, Haswell and later).
        case avx2
        /// AVX-512 F, VL, BW and DQ (x86-64-v4): also enables ToonKit's own AVX-512 GEMM kernel.
        case avx512

        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
        public var description: String { ["baseline", "avx2", "avx512"][rawValue] }

        /// The highest set this CPU and operating system can run (cpuid, decided once).
        public static let supported = InstructionSet(rawValue: Int(toon_isa_supported())) ?? .baseline
    }

    /// The instructions kernels may use, at most `InstructionSet.supported` (a higher request runs
    /// the supported level). Below `.avx512` matrix products go to the platform BLAS, the path
    /// AVX2-only machines take: asking for `.avx2` on an AVX-512 machine tests that path.
    public var instructionSet: InstructionSet
    /// Threads that parallel loops and large matrix products split across (at least 1).
    public var threads: Int
    /// Most bytes of freed large tensor blocks kept for reuse instead of being returned to the
    /// system; a generator's steady state then maps no fresh pages (0 keeps nothing). Fresh pages
    /// cost the kernel's zeroing on first touch: a third of a 1024 px batch of 4 when its two
    /// largest blocks (540 MB each) could not both be kept.
    public var reusableMemoryBytes: Int

    public init(instructionSet: InstructionSet = .supported, threads: Int = ComputeConfiguration.processorCount,
                reusableMemoryBytes: Int = ComputeConfiguration.defaultReusableMemoryBytes) {
        self.instructionSet = min(instructionSet, .supported)
        self.threads = max(1, threads)
        self.reusableMemoryBytes = max(0, reusableMemoryBytes)
    }

    /// Every core the process may use, the best supported instructions, `defaultReusableMemoryBytes`.
    public static let automatic = ComputeConfiguration()

    /// An eighth of the machine's memory, at least 640 MiB (every block of a 1024 px generator at
    /// batch 1) and at most 4 GiB (a 1024 px batch of 4 needs about 2).
    public static let defaultReusableMemoryBytes = reusableMemoryBytes(physicalMemory: ProcessInfo.processInfo.physicalMemory)

    static func reusableMemoryBytes(physicalMemory: UInt64) -> Int {
        Int(min(max(physicalMemory / 8, 640 << 20), 4 << 30))
    }

    /// Returns every idle block kept for reuse to the system (an app going quiet after a batch of
    /// work); the bytes freed. Blocks in use are untouched and later ones are kept again as usual.
    @discardableResult
    public static func releaseReusableMemory() -> Int { StoragePool.releaseIdle() }

    /// The cores this process may run on.
    public static let processorCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The configuration of the code running now: the innermost `run` scope's, else `automatic`.
    public static var current: ComputeConfiguration { scoped ?? .automatic }

    @TaskLocal private static var scoped: ComputeConfiguration?

    /// Runs `body` with this configuration as `current` (on this thread, in child tasks, and on
    /// the workers of ToonKit's parallel loops started inside it).
    public func run<R>(_ body: () throws -> R) rethrows -> R {
        try Self.$scoped.withValue(self) { try body() }
    }

    /// Async `run`.
    public func run<R>(_ body: () async throws -> R) async rethrows -> R {
        try await Self.$scoped.withValue(self) { try await body() }
    }

    /// Whether matrix products use ToonKit's AVX-512 GEMM kernel rather than the platform BLAS.
    var usesOwnGEMM: Bool { instructionSet == .avx512 && FastGEMM.isSupported }

    /// The level to hand to the C kernels.
    var kernelLevel: Int32 { Int32(min(instructionSet, .supported).rawValue) }
}

extension ComputeConfiguration {
    /// For programs and test runners that let users choose from the environment (ToonKit's library
    /// itself never reads it): `TOONKIT_ISA` = baseline | avx2 | avx512, `TOONKIT_GEMM=blas` (the
    /// platform BLAS, as AVX2-only machines run: the same as `TOONKIT_ISA=avx2` where that is
    /// lower), `TOONKIT_THREADS` = a positive count. Unset or unreadable values keep `automatic`'s.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> ComputeConfiguration {
        var configuration = ComputeConfiguration.automatic
        if let name = environment["TOONKIT_ISA"], let level = InstructionSet.allCases.first(where: { $0.description == name }) {
            configuration.instructionSet = min(level, .supported)
        }
        if environment["TOONKIT_GEMM"] == "blas" { configuration.instructionSet = min(configuration.instructionSet, .avx2) }
        if let text = environment["TOONKIT_THREADS"], let threads = Int(text), threads > 0 { configuration.threads = threads }
        return configuration
    }
}
