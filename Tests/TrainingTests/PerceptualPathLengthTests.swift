import Foundation
import Testing
import StyleGAN
import ToonCore
import ToonTestSupport
@testable import Training

/// Against Reference/ppl_reference.json: NVLabs' own PPLSampler on shared/fixtures' nv_ada_64.pkl,
/// its randomness replaced by formula values and its distance network by the lpips package's LPIPS
/// on formula weights (make_ppl_reference.py says how). Each distance is a difference quotient, the
/// LPIPS of two images a step epsilon apart divided by epsilon squared. At NVLabs' 1e-4 the two
/// images differ by about 1e-4 of their values, and float32 rounding in the synthesis (1e-6 of
/// them, different in each image and in each implementation) moves the quotient by up to 2%:
/// tolerance 4% per path (measured 1.9%). A step of 1e-2 leaves rounding 100 times less room, and
/// there every part (lerp, slerp, noise, crop, scaling, LPIPS) must agree within 5e-4 (measured
/// 8e-5).
@Suite(.computeFromEnvironment, .enabled(if: SharedFixtures.available, SharedFixtures.skipReason))
struct PerceptualPathLengthReferenceTests {
    struct Case: Decodable {
        let key: String
        let space: String
        let sampling: String
        let crop: Bool
        let epsilon: Float
        let noise_names: [String]
        let distances: [Double]
    }

    struct Reference: Decodable {
        let batch: Int
        let z_dim: Int
        let cases: [Case]
    }

    static let reference: Reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf:
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/ppl_reference.json")))
    static let generator = try! GeneratorLoader.load(SharedFixtures.url("nvlabs/nv_ada_64.pkl")).generator

    @Test("path distances match NVLabs' PPLSampler: within 4% at its step 1e-4, 5e-4 at a step of 1e-2",
          arguments: ["w_end_crop", "w_full_crop", "z_full_crop", "w_full_whole"].flatMap { [$0, $0 + "_eps1e-2"] })
    func distances(key: String) {
        let c = Self.reference.cases.first { $0.key == key }!
        let b = Self.reference.batch
        let t = FormulaWeights.uniformTensor("ppl_t_\(key)", [b]).scalars.map { (1 + $0) / 2 }
        let z = FormulaWeights.uniformTensor("ppl_z_\(key)", [2 * b, Self.reference.z_dim])
        var noise: [String: Tensor] = [:]
        for name in c.noise_names {
            noise[name] = FormulaWeights.uniformTensor("ppl_noise_\(key)_\(name)", Self.generator.parameters[name].shape)
        }
        #expect(Set(noise.keys) == Set(Self.generator.parameters.names.filter { $0.hasSuffix(".noise_const") }))
        let measure = PerceptualPathLength(lpips: FormulaLPIPS.metric, space: .init(rawValue: c.space)!,
                                           sampling: .init(rawValue: c.sampling)!, crop: c.crop, epsilon: c.epsilon)
        let got = measure.distances(Self.generator, z0: z.slice(axis: 0, 0..<b), z1: z.slice(axis: 0, b..<(2 * b)),
                                    t: c.sampling == "full" ? t : t.map { _ in 0 }, noise: noise, labels: nil)
        let worst = zip(got, c.distances).map { abs($0 - $1) / $1 }.max()!
        print("PPL \(key): worst relative difference \(worst)")
        #expect(worst < (c.epsilon < 1e-3 ? 4e-2 : 5e-4), "\(key): \(got) vs \(c.distances)")
    }

    @Test("the mean keeps the distances within numpy's 1st (lower) and 99th (higher) percentiles")
    func trimmedMean() {
        // 201 values 0...200: percentile(1, lower) = 2, percentile(99, higher) = 198.
        var values = (0...200).map(Double.init)
        values.swapAt(3, 150)
        let result = PerceptualPathLength.trimmedMean(values)
        #expect(result.low == 2 && result.high == 198)
        #expect(result.value == (2...198).reduce(0) { $0 + Double($1) } / 197)
        #expect(result.count == 201)
        #expect(PerceptualPathLength.trimmedMean([5]).value == 5)
    }

    @Test("a whole evaluation is reproducible from its seed and changes with it")
    func evaluationIsSeeded() {
        let measure = PerceptualPathLength(lpips: FormulaLPIPS.metric)
        let a = measure.evaluate(Self.generator, count: 10, seed: 1)
        let b = measure.evaluate(Self.generator, count: 10, seed: 1)
        let c = measure.evaluate(Self.generator, count: 10, seed: 2)
        #expect(a.value == b.value && a.count == 10)
        #expect(a.value != c.value)
        #expect(a.value > 0 && a.value.isFinite)
    }
}
