import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport

/// The reference outputs in ../shared/fixtures (made by the official StyleGAN code) must load.
@Suite("NumPy: shared StyleGAN fixtures load", .computeFromEnvironment)
struct NumPySharedFixtureTests {
    static let shared = SharedFixtures.root
    static let available = SharedFixtures.available

    @Test("TF latent z_seed0.npy is float64 [1, 128] and equals RandomState(0).randn(1, 128)",
          .enabled(if: available, "shared fixtures not found at ../shared/fixtures"))
    func tfLatent() throws {
        let z = try NPY.read(Self.shared.appendingPathComponent("tf/small64/z_seed0.npy"))
        #expect(z.shape == [1, 128])
        // The fixture is float64; rounding it to float32 is what astype(float32) gives.
        #expect(z.scalars == Tensor.randomNormal(shape: [1, 128], seed: 0).scalars)
    }

    @Test("NVLabs image batch nv_ada_64_psi1.0.npy is float32 [4, 3, 64, 64] with finite values",
          .enabled(if: available, "shared fixtures not found at ../shared/fixtures"))
    func nvlabsImages() throws {
        let images = try NPY.read(Self.shared.appendingPathComponent("nvlabs/nv_ada_64_psi1.0.npy"))
        #expect(images.shape == [4, 3, 64, 64])
        #expect(images.scalars.allSatisfy { $0.isFinite })
    }

    @Test("every .npy under shared/fixtures loads",
          .enabled(if: available, "shared fixtures not found at ../shared/fixtures"))
    func everyFixture() throws {
        let files = FileManager.default.enumerator(at: Self.shared, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "npy" }
        #expect(!files.isEmpty)
        for url in files {
            let tensor = try NPY.read(url)
            #expect(tensor.count > 0, "\(url.lastPathComponent)")
        }
    }
}
