import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport

@Suite("toon project", .enabled(if: Toon.available, "the toon executable is not built"))
struct ProjectCommandTests {
    /// The built-in model's image of seed 5, as `toon generate` writes it.
    static func generatedTarget() throws -> URL {
        let folder = Toon.temporaryFolder()
        let generated = try Toon.run(["generate", "--seeds", "5", "--outdir", folder.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        return folder.appendingPathComponent("seed0005.png")
    }

    @Test("projects the built-in model's own image: its files, a w that generate renders as proj.png, and the video")
    func projectsOwnImage() throws {
        let target = try Self.generatedTarget()
        let out = Toon.temporaryFolder().appendingPathComponent("proj")
        let result = try Toon.run(["project", target.path, "--steps", "30", "--save-video", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("no --vgg16/--lpips"), "the weaker loss is announced: \(result.stderr)")
        #expect(result.stdout.contains("distance") && result.stdout.contains("after 30 steps"), "\(result.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["proj.mp4", "proj.png", "projected_w.npy", "target.png"])
        // The latent renders, through generate, to the same picture as proj.png.
        let rendered = Toon.temporaryFolder()
        let generate = try Toon.run(["generate", "--projected-w", out.appendingPathComponent("projected_w.npy").path, "--outdir", rendered.path])
        #expect(generate.status == 0, "\(generate.stderr)")
        let again = try Image.read(from: rendered.appendingPathComponent(try #require(try FileManager.default.contentsOfDirectory(atPath: rendered.path).first)))
        #expect(again == (try Image.read(from: out.appendingPathComponent("proj.png"))))
        // 30 steps already bring the projection much closer to the target than the average face.
        let psnr = try Toon.run(["metrics", "--metric", "psnr", "--real", target.deletingLastPathComponent().path, "--fake", try Self.renamed(out, to: "seed0005.png").path])
        let db = try #require(Double(psnr.stdout.split(separator: " ").last!.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(db > 18, "projection PSNR \(db) dB")
    }

    /// A folder holding proj.png under `name`, so it pairs with the target in `toon metrics`.
    static func renamed(_ out: URL, to name: String) throws -> URL {
        let folder = Toon.temporaryFolder()
        try FileManager.default.copyItem(at: out.appendingPathComponent("proj.png"), to: folder.appendingPathComponent(name))
        return folder
    }

    @Test("usage errors exit with 64 and leave nothing behind", arguments: [
        (["--steps", "0"], "--steps must be in 1...100000"),
        (["--vgg16", "v.pth"], "--vgg16 and --lpips go together"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let out = Toon.temporaryFolder().appendingPathComponent("never")
        let result = try Toon.run(["project", "photo.png", "--out", out.path] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("a corrupt photo is one line naming it, exit 1, and no output folder")
    func corruptPhoto() throws {
        let folder = Toon.temporaryFolder()
        let photo = folder.appendingPathComponent("broken.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: photo)
        let out = folder.appendingPathComponent("proj")
        let result = try Toon.run(["project", photo.path, "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("toon: \(photo.path):") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
