import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport

/// The StyleGAN3 flags of toon generate and interpolate, end to end on the shared T fixture.
@Suite("toon generate and interpolate on StyleGAN3", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct StyleGAN3CommandTests {
    let sg3 = Toon.fixture("nvlabs/sg3t_32.pkl")
    static let references = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/stylegan3")

    @Test("generate --translate --rotate writes what gen_images.py makes (raw output within 1e-4 of the range)")
    func generateWithTransform() throws {
        let out = Toon.temporaryFolder()
        let result = try Toon.run(["generate", "--network", sg3, "--seeds", "0,1", "--translate", "0.3,-0.2", "--rotate", "10",
                                   "--format", "npy", "--outdir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try NPY.read(Self.references.appendingPathComponent("sg3t_32_transform.npy"))
        for seed in 0..<2 {
            let got = try NPY.read(out.appendingPathComponent(String(format: "seed%04d.npy", seed))).scalars
            let e = expected.slice(axis: 0, seed..<(seed + 1)).scalars
            let range = e.max()! - e.min()!
            #expect(zip(got, e).allSatisfy { abs($0 - $1) <= 1e-4 * range }, "seed \(seed)")
        }
    }

    @Test("transform flags on a StyleGAN2 network: one line, exit 64, nothing written",
          arguments: [["generate", "--seeds", "0", "--rotate", "10"], ["interpolate", "--seeds", "0,1", "--frames", "2", "--rotate-speed", "5"]])
    func refusedOnStyleGAN2(_ arguments: [String]) throws {
        let out = Toon.temporaryFolder()
        let target = arguments[0] == "generate" ? ["--outdir", out.path] : ["--out", out.appendingPathComponent("v.gif").path]
        let result = try Toon.run(arguments + ["--network", Toon.fixture("nvlabs/nv_ada_64.pkl")] + target)
        #expect(result.status == 64)
        #expect(result.stderr.contains("StyleGAN3") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out.path))?.isEmpty ?? true)
    }

    @Test("interpolate with a camera move writes a GIF; a bad --translate-path is a usage error")
    func cameraMove() throws {
        let out = Toon.temporaryFolder()
        let gif = out.appendingPathComponent("camera.gif")
        let result = try Toon.run(["interpolate", "--network", sg3, "--seeds", "0,1", "--frames", "6", "--rotate-speed", "60",
                                   "--translate-path", "0.5,0", "--out", gif.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: gif.path))
        let bad = try Toon.run(["interpolate", "--network", sg3, "--seeds", "0,1", "--translate-path", "0.5", "--out", gif.path + "2.gif"])
        #expect(bad.status == 64 && bad.stderr.contains("--translate-path"), "\(bad.stderr)")
    }
}
