import Foundation
@testable import StyleGAN
import Testing
import ToonCore

@Suite("attribute directions fitted to labelled latents")
struct AttributeDirectionTests {
    /// 200 latents of 16 dimensions around a mean, whose label follows a planted direction.
    static func latents(seed: UInt32) -> (Tensor, [Double], [Double]) {
        var random = NumpyRandomState(seed: seed)
        let planted = (0..<16).map { i in i == 3 ? 0.8 : i == 7 ? -0.6 : 0.0 }
        let x = random.normalTensor([200, 16]) + 2
        let rows = x.scalars
        let scores = (0..<200).map { r in (0..<16).reduce(0.0) { $0 + Double(rows[r * 16 + $1] - 2) * planted[$1] } }
        return (x, scores, planted)
    }

    @Test("a graded label: the ridge regression finds the planted direction")
    func regressionFindsPlantedDirection() throws {
        let (x, scores, planted) = Self.latents(seed: 1)
        var noise = NumpyRandomState(seed: 2)
        let labels = scores.map { $0 + 0.1 * noise.standardNormal() }
        let fit = try AttributeDirection.fit(latents: x, labels: labels)
        #expect(!fit.binary)
        let cosine = zip(fit.vector, planted).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(cosine > 0.99, "cosine with the planted direction \(cosine)")
        #expect(abs(fit.vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-9)
        #expect((fit.heldOutCorrelation ?? 0) > 0.95)
    }

    @Test("a 0/1 label: the class means point along the planted direction")
    func classMeansFindPlantedDirection() throws {
        let (x, scores, planted) = Self.latents(seed: 3)
        let fit = try AttributeDirection.fit(latents: x, labels: scores.map { $0 > 0 ? 1 : 0 })
        #expect(fit.binary)
        #expect(zip(fit.vector, planted).reduce(0) { $0 + $1.0 * $1.1 } > 0.9)
        #expect((fit.heldOutCorrelation ?? 0) > 0.6)
    }

    @Test("labels that cannot be fitted are refused with the reason")
    func refusals() {
        let x = Tensor.randomNormal(shape: [4, 3], seed: 1)
        func reason(_ labels: [Double], _ latents: Tensor = x) -> String? {
            do { _ = try AttributeDirection.fit(latents: latents, labels: labels); return nil } catch { return error.description }
        }
        #expect(reason([1, 1, 1, 1])?.contains("every latent has the label 1") == true)
        #expect(reason([1, 0, 1])?.contains("3 labels for latents of shape [4, 3]") == true)
        #expect(reason([1, 0, .nan, 1])?.contains("not a finite number") == true)
        #expect(reason([1, 0], Tensor.zeros([2, 3])) == "the latents do not vary with the label")
    }
}
