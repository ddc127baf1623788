import Testing
import ToonCore

/// Runs a suite's tests with the compute configuration the environment asks for
/// (`ComputeConfiguration.fromEnvironment`): scripts/test runs the whole suite a second time with
/// `TOONKIT_GEMM=blas`, the path of machines without AVX-512. The library itself reads no
/// environment, so each suite opts in with `@Suite(.computeFromEnvironment)`.
public struct ComputeFromEnvironment: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        try await ComputeConfiguration.fromEnvironment().run { try await function() }
    }
}

extension Trait where Self == ComputeFromEnvironment {
    /// The configuration from TOONKIT_ISA, TOONKIT_GEMM and TOONKIT_THREADS, around every test.
    public static var computeFromEnvironment: Self { ComputeFromEnvironment() }
}
