import Foundation
import ToonMetrics
import StyleGAN
import Testing
import ToonCore
import ToonIO
import ToonTestSupport
@testable import Toonify

/// Against Reference/projection_reference.json: NVLabs' own `project` for 8 steps on
/// shared/fixtures' nv_ada_64.pkl, aiming at the network's own image of a formula latent, with its
/// randomness replaced by formula values and its VGG16 by the formula LPIPS (make_projection_reference.py
/// says how). Per step the distance and the optimised w are compared.
///
/// Adam moves every element of w and of the noise maps by about the learning rate whatever the size
/// of its gradient, so where a gradient element is near zero, rounding decides the direction, and
/// the trajectories of any two float32 runs part slowly. NVLabs' own run, its initial noise maps
/// changed by 1e-6 relative, differs from itself after 8 steps by 9e-3 of w's per-element spread
/// (0.65 here) and by 3e-4 in the distance. Measured against it: w within 7e-4 of the spread up to
/// step 3 and 1.3e-2 by step 8, distances within 7e-4 (1.1e-3 on the OpenBLAS path). Tolerances:
/// 2e-3 of the spread for steps 1-3, 3e-2 after; distances 2e-3.
@Suite(.computeFromEnvironment, .enabled(if: SharedFixtures.available, SharedFixtures.skipReason))
struct ProjectorReferenceTests {
    struct Step: Decodable {
        let dist: Double
        let w: [Double]
    }

    struct Reference: Decodable {
        let steps_count: Int
        let noise_names: [String]
        let steps: [Step]
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let reference: Reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("projection_reference.json")))

    @Test("each step's distance and w match NVLabs' projector")
    func stepsMatchNVLabs() throws {
        let generator = try GeneratorLoader.load(SharedFixtures.url("nvlabs/nv_ada_64.pkl")).generator
        let target = try Image.read(from: Self.folder.appendingPathComponent("projection_target.png")).tensor().reshaped([1, 3, 64, 64])
        var settings = ProjectionSettings()
        settings.steps = Self.reference.steps_count
        let projector = try Projector(generator: generator, objective: .lpips(FormulaLPIPS.metric), settings: settings)
        #expect(Set(Self.reference.noise_names) == Set(generator.parameters.names.filter { $0.hasSuffix(".noise_const") }))
        let randomness = Projector.Randomness(
            initialNoise: { name, shape in FormulaWeights.uniformTensor("projection_noise_\(name)", shape) },
            wPerturbation: { step, shape in FormulaWeights.uniformTensor("projection_w_\(step)", shape) })
        var steps: [Projector.Step] = []
        _ = try projector.project(target, randomness: randomness) { steps.append($0) }
        #expect(steps.count == Self.reference.steps.count)
        let spread = projector.statistics.standardDeviation / Double(generator.config.wDim).squareRoot()
        var worstDistance = 0.0, worstEarly = 0.0, worstLate = 0.0
        for (got, expected) in zip(steps, Self.reference.steps) {
            worstDistance = max(worstDistance, abs(got.distance - expected.dist) / expected.dist)
            let w = got.ws.slice(axis: 1, 0..<1).contiguous().scalars
            let error = zip(w, expected.w).map { abs(Double($0) - $1) }.max()! / spread
            if got.index <= 3 { worstEarly = max(worstEarly, error) } else { worstLate = max(worstLate, error) }
        }
        print("projection vs NVLabs: distances within \(worstDistance) relative; w within \(worstEarly) (steps 1-3), \(worstLate) (4-8) of its spread")
        #expect(worstDistance < 2e-3)
        #expect(worstEarly < 2e-3)
        #expect(worstLate < 3e-2)
    }
}
