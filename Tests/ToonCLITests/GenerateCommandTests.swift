import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport

@Suite("toon generate, mix, interpolate, info, convert", .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason))
struct CommandTests {
    let nvlabs = Toon.fixture("nvlabs/nv_ada_64.pkl")

    // Raw outputs agree within ~2e-5, so an 8-bit code can flip only where the reference lies on a
    // rounding boundary: at most one code, and rarely.
    @Test("generate writes seedNNNN.png with NVLabs' 8-bit codes (rare ±1 at rounding boundaries)")
    func generateMatchesNVLabs() throws {
        let out = Toon.temporaryFolder()
        let result = try Toon.run(["generate", "--network", nvlabs, "--seeds", "0-3", "--outdir", out.path, "--grid", "2x2", "--batch", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "quiet when not on a terminal")
        let reference = try NPY.read(SharedFixtures.url("nvlabs/nv_ada_64_psi1.0.npy"))
        for seed in 0..<4 {
            let image = try Image.read(from: out.appendingPathComponent(String(format: "seed%04d.png", seed)))
            let expected = try Image(tensor: reference.slice(axis: 0, seed..<(seed + 1)))
            let differences = zip(image.samples, expected.samples).map { abs($0 - $1) * 255 }
            #expect(differences.allSatisfy { $0 < 1.5 }, "seed \(seed): a code differs by more than one")
            #expect(differences.filter { $0 > 0.5 }.count <= differences.count / 1000, "seed \(seed): too many codes differ")
        }
        let grid = try Image.read(from: out.appendingPathComponent("grid.png"))
        #expect(grid.width == 128 && grid.height == 128)
    }

    @Test("generate --format npy keeps the raw output within 1e-4 of the reference")
    func generateNPY() throws {
        let out = Toon.temporaryFolder()
        let result = try Toon.run(["generate", "--network", nvlabs, "--seeds", "2", "--trunc", "0.5", "--outdir", out.path, "--format", "npy"])
        #expect(result.status == 0, "\(result.stderr)")
        let got = try NPY.read(out.appendingPathComponent("seed0002.npy")).scalars
        let expected = try NPY.read(SharedFixtures.url("nvlabs/nv_ada_64_psi0.5.npy")).slice(axis: 0, 2..<3).scalars
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test("bad input: one line naming the file, a non-zero exit, nothing written",
          arguments: [
            (["--network", "/etc/hostname", "--seeds", "1"], "not a StyleGAN checkpoint"),
            (["--network", "TRUNCATED", "--seeds", "1"], "truncated"),
            (["--network", "NVLABS", "--projected-w", "ROSINALITY_WPLUS"], "this network takes [N, 10, 128]"),
            (["--network", "/nonexistent.pkl", "--seeds", "1"], "/nonexistent.pkl"),
          ])
    func badInput(arguments: [String], message: String) throws {
        let out = Toon.temporaryFolder()
        let truncated = out.deletingLastPathComponent().appendingPathComponent("truncated-\(UUID().uuidString).pkl")
        let bytes = try Data(contentsOf: SharedFixtures.url("nvlabs/nv_ada_64.pkl"))
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        defer { try? FileManager.default.removeItem(at: truncated) }
        let args = arguments.map {
            switch $0 {
            case "TRUNCATED": truncated.path
            case "NVLABS": nvlabs
            case "ROSINALITY_WPLUS": Toon.fixture("rosinality/rosinality_16_wplus.npy")
            default: $0
            }
        }
        let result = try Toon.run(["generate"] + args + ["--outdir", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("toon: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test("usage errors exit with 64")
    func usageErrors() throws {
        let result = try Toon.run(["generate", "--network", nvlabs, "--seeds", "9-3", "--outdir", "/tmp"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("runs backwards"))
        let out = Toon.temporaryFolder()
        let unconditional = try Toon.run(["generate", "--network", nvlabs, "--seeds", "1", "--class", "2", "--outdir", out.path])
        #expect(unconditional.status == 64 && unconditional.stderr == "toon: \(nvlabs): --class given, but this network is unconditional\n",
                "\(unconditional.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test("mix writes the grid with an empty corner and every cell")
    func mix() throws {
        let out = Toon.temporaryFolder()
        let result = try Toon.run(["mix", "--network", Toon.fixture("tf/small64/small64.pkl"), "--rows", "1,2", "--cols", "3,4,5",
                                   "--styles", "0-3", "--outdir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let grid = try Image.read(from: out.appendingPathComponent("grid.png"))
        #expect(grid.width == 4 * 64 && grid.height == 3 * 64)
        #expect(grid.sample(channel: 0, x: 10, y: 10) == 0 && grid.sample(channel: 1, x: 63, y: 63) == 0)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("2-5.png").path))
    }

    @Test("interpolate writes a looping GIF with the requested frame count")
    func interpolateGIF() throws {
        let out = Toon.temporaryFolder().appendingPathComponent("walk.gif")
        let result = try Toon.run(["interpolate", "--network", nvlabs, "--seeds", "0-3", "--grid", "1x2", "--frames", "6",
                                   "--loop", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try Data(contentsOf: out)
        #expect(bytes.starts(with: Array("GIF89a".utf8)))
        #expect(bytes.count > 1000)
        // Logical screen: 2 cells of 64 side by side.
        #expect(Int(bytes[6]) | Int(bytes[7]) << 8 == 128 && Int(bytes[8]) | Int(bytes[9]) << 8 == 64)
    }

    @Test("info describes every fixture format", arguments: [
        ("tf/small64/small64.pkl", "TensorFlow"), ("nvlabs/nv_ada_64.pkl", "stylegan2-ada-pytorch"),
        ("rosinality/rosinality_16.pt", "rosinality"),
    ])
    func info(file: String, format: String) throws {
        let result = try Toon.run(["info", Toon.fixture(file)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(format) && result.stdout.contains("parameters"))
    }

    @Test("convert to ToonKit's format, then generate the same images from it")
    func convertRoundTrip() throws {
        let folder = Toon.temporaryFolder()
        let converted = folder.appendingPathComponent("model.safetensors")
        #expect(try Toon.run(["convert", Toon.fixture("tf/small64/small64.pkl"), converted.path]).status == 0)
        let info = try Toon.run(["info", converted.path])
        #expect(info.stdout.contains("converted from NVLabs StyleGAN2 TensorFlow pickle"))
        for (network, name) in [(Toon.fixture("tf/small64/small64.pkl"), "a"), (converted.path, "b")] {
            #expect(try Toon.run(["generate", "--network", network, "--seeds", "7", "--format", "npy",
                                  "--outdir", folder.appendingPathComponent(name).path]).status == 0)
        }
        let a = try NPY.read(folder.appendingPathComponent("a/seed0007.npy")).scalars
        let b = try NPY.read(folder.appendingPathComponent("b/seed0007.npy")).scalars
        #expect(a == b)
    }

    @Test("convert to rosinality's .pt and back keeps the images; inexpressible models are refused")
    func convertToRosinality() throws {
        let folder = Toon.temporaryFolder()
        let exported = folder.appendingPathComponent("g.pt")
        let ok = try Toon.run(["convert", Toon.fixture("rosinality/rosinality_16.pt"), exported.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try Toon.run(["info", exported.path]).stdout.contains("rosinality"))
        let refused = try Toon.run(["convert", nvlabs, folder.appendingPathComponent("nv.pt").path])
        #expect(refused.status == 1 && refused.stderr.contains("channel"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("nv.pt").path))
    }
}
