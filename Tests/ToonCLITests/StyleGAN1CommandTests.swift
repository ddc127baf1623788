import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport

/// toon generate, mix, interpolate, info and convert on an original StyleGAN (v1) TF pickle, end to
/// end on Tests/Fixtures/stylegan1 (references from NVlabs/stylegan; within 1e-4 of their range).
@Suite("toon commands on StyleGAN (v1)", .enabled(if: Toon.available, "the toon executable is not built"))
struct StyleGAN1CommandTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/stylegan1")
    let a64 = folder.appendingPathComponent("a64.pkl").path

    static func expectClose(_ got: [Float], _ expected: [Float], _ what: String) {
        let range = expected.max()! - expected.min()!
        let error = zip(got, expected).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(got.count == expected.count && error <= 1e-4 * range, "\(what): max error \(error), range \(range)")
    }

    @Test("generate without --trunc applies G_style's default (psi 0.7 on 8 ws), as Gs.run(z, None) does; --trunc 1 turns it off")
    func generateUsesTheV1Default() throws {
        for (flags, reference) in [([String](), "a64_img_psi0.7.npy"), (["--trunc", "1"], "a64_img_psi1.0.npy")] {
            let out = Toon.temporaryFolder()
            let result = try Toon.run(["generate", "--network", a64, "--seeds", "0,1", "--format", "npy", "--outdir", out.path] + flags)
            #expect(result.status == 0, "\(result.stderr)")
            let expected = try NPY.read(Self.folder.appendingPathComponent(reference))
            for seed in 0..<2 {
                let got = try NPY.read(out.appendingPathComponent(String(format: "seed%04d.npy", seed))).scalars
                Self.expectClose(got, expected.slice(axis: 0, seed..<(seed + 1)).contiguous().scalars, "\(reference) seed \(seed)")
            }
        }
    }

    @Test("convert to safetensors and back keeps every tensor; the converted file generates the same images")
    func convertRoundTrip() throws {
        let out = Toon.temporaryFolder()
        let first = out.appendingPathComponent("a64.safetensors").path, second = out.appendingPathComponent("again.safetensors").path
        #expect(try Toon.run(["convert", a64, first]).status == 0)
        #expect(try Toon.run(["convert", first, second]).status == 0)
        let a = try SafeTensorsFile(url: URL(fileURLWithPath: first)), b = try SafeTensorsFile(url: URL(fileURLWithPath: second))
        #expect(a.names.sorted() == b.names.sorted() && a.names.count == 89, "the pickle's 89 Gs variables")
        for name in a.names { #expect(try a.tensor(name).scalars == b.tensor(name).scalars, "\(name)") }
        for network in [a64, first, second] {
            let result = try Toon.run(["generate", "--network", network, "--seeds", "1", "--format", "npy", "--outdir", out.appendingPathComponent("g").path])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let pt = try Toon.run(["convert", a64, out.appendingPathComponent("a64.pt").path])
        #expect(pt.status != 0 && pt.stderr.contains("StyleGAN1") && pt.stderr.split(separator: "\n").count == 1, "\(pt.stderr)")
    }

    @Test("info names the format, the generation and the defaults")
    func info() throws {
        let result = try Toon.run(["info", a64])
        #expect(result.status == 0, "\(result.stderr)")
        for text in ["NVlabs StyleGAN (v1) TensorFlow pickle", "StyleGAN1", "10 ws", "psi 0.7 on ws 0-7", "lod 0"] {
            #expect(result.stdout.contains(text), "\(text) in \(result.stdout)")
        }
    }

    @Test("mix writes generate_figures.py's style mixing (ws 4-9 from the column seed) at psi 1")
    func mix() throws {
        let out = Toon.temporaryFolder()
        let result = try Toon.run(["mix", "--network", a64, "--rows", "0", "--cols", "1", "--styles", "4-9", "--trunc", "1", "--outdir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let got = try Image.read(from: out.appendingPathComponent("0-1.png")).samples.map { $0 * 255 }
        let expected = try NPY.read(Self.folder.appendingPathComponent("a64_mix.npy")).scalars
        let reference = expected.map { min(max($0 * 127.5 + 127.5, 0), 255) }
        #expect(got.count == reference.count && zip(got, reference).allSatisfy { abs($0 - $1) <= 1 }, "PNG within one level of the reference")
    }

    @Test("interpolate writes a GIF; a truncated v1 pickle is one line and a non-zero exit")
    func interpolateAndTruncated() throws {
        let out = Toon.temporaryFolder()
        let gif = out.appendingPathComponent("walk.gif")
        let result = try Toon.run(["interpolate", "--network", a64, "--seeds", "0,1", "--frames", "4", "--out", gif.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: gif.path))
        let cut = out.appendingPathComponent("cut.pkl")
        try Data(contentsOf: URL(fileURLWithPath: a64)).prefix(100_000).write(to: cut)
        for arguments in [["info", cut.path], ["generate", "--network", cut.path, "--seeds", "0", "--outdir", out.appendingPathComponent("x").path]] {
            let failed = try Toon.run(arguments)
            #expect(failed.status != 0 && failed.stderr.split(separator: "\n").count == 1 && failed.stderr.contains(cut.path), "\(failed.stderr)")
        }
    }
}
