import Datasets
import Foundation
import Testing
import StyleGAN
import ToonCore
import ToonIO
import ToonTestSupport
@testable import Toonify

/// Teacher pairs: the same latent through the base and the blend, one jitter for both, degradations
/// on the real side only, and pair i a function of the settings and i alone.
@Suite("TeacherPairs: aligned real/cartoon pairs from a base and its blend", .computeFromEnvironment)
struct TeacherPairsTests {
    static func teacher(_ configure: (inout TeacherPairs.Settings) -> Void) throws -> TeacherPairs {
        let base = try BlendTests.generator(seed: 1)
        let styled = try BlendTests.fineTune(of: base, seed: 9)
        var settings = TeacherPairs.Settings()
        configure(&settings)
        return try TeacherPairs(base: base, styled: styled, blend: Blend.Settings(swapResolution: 8), settings: settings)
    }

    @Test("degree 0 draws the base: both sides equal, jittered alike, with and without style mixing")
    func degreeZeroIsTheBase() throws {
        let teacher = try Self.teacher { $0.degrees = [0]; $0.degradation = .none; $0.mixingProbability = 0.5 }
        for index in 0..<6 {
            let pair = try teacher.pair(index)
            #expect(pair.real == pair.toon, "pair \(index)")
            #expect(pair.degree == 0)
        }
    }

    @Test("degree 1 draws the blend of the same latent; without jitter the real side is the base's own image")
    func sameLatentThroughBoth() throws {
        let teacher = try Self.teacher { $0.degrees = [1]; $0.degradation = .none; $0.jitter = .none; $0.mixingProbability = 0 }
        let pair = try teacher.pair(3)
        let ws = withoutGradients { teacher.base.mapping(z: Latents.z(seeds: [3], zDim: 16), truncation: Truncation(psi: 0.7)) }
        #expect(pair.real == (try Image(tensor: teacher.base.synthesis(ws: ws))))
        #expect(pair.toon == (try Image(tensor: teacher.cartoonists[0].synthesis(ws: ws))))
        #expect(pair.real != pair.toon)
    }

    @Test("pair i is the same whatever was drawn before it; degrees are taken in turn")
    func reproducible() throws {
        let teacher = try Self.teacher { $0.degrees = [0.5, 1] }
        let late = try teacher.pair(5)
        _ = try teacher.pair(2)
        let again = try teacher.pair(5)
        #expect(late.real == again.real && late.toon == again.toon)
        #expect(try teacher.pair(4).degree == 0.5 && late.degree == 1)
        #expect(try teacher.pair(4).real != late.real)
    }

    @Test("degradations touch the real side only")
    func degradationsOnRealSideOnly() throws {
        let clean = try Self.teacher { $0.degrees = [0]; $0.degradation = .none }
        let degraded = try Self.teacher { $0.degrees = [0]; $0.degradation = RealDegradation(probability: 1) }
        for index in 0..<3 {
            let (a, b) = (try clean.pair(index), try degraded.pair(index))
            #expect(a.toon == b.toon, "the cartoon side is never degraded")
            #expect(a.real != b.real, "pair \(index)'s real side is degraded")
        }
    }

    @Test("a smaller --resolution resizes both sides")
    func resized() throws {
        let teacher = try Self.teacher { $0.resolution = 16 }
        let pair = try teacher.pair(0)
        #expect(pair.real.width == 16 && pair.toon.width == 16 && pair.real.height == 16)
    }
}
