import Datasets
import Foundation
import Testing
import ToonIO
import ToonTestSupport

@Suite("toon toonify", .enabled(if: Toon.available, "the toon executable is not built"))
struct ToonifyCommandTests {
    /// One synth 'shaded' face at 64 px, the built-in pair's base style, as a PNG.
    static func synthFace() throws -> URL {
        let face = Toon.temporaryFolder().appendingPathComponent("face.png")
        try FaceRenderer.render(FaceParameters.sample(seed: 3, index: 0), style: .shaded, resolution: 64).write(to: face)
        return face
    }

    @Test("an aligned synth face with the built-in pair: cartoon, reconstruction, latent and the pasted photo; degree 0 is the reconstruction")
    func alignedFace() throws {
        let face = try Self.synthFace()
        let out = Toon.temporaryFolder().appendingPathComponent("toons")
        let result = try Toon.run(["toonify", face.path, "--aligned", "--steps", "20", "--paste-back", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 face toonified at degree 1 ("), "\(result.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["face_face0_proj.png", "face_face0_toon.png", "face_face0_w.npy", "face_toon.png"])
        let toon = try Image.read(from: out.appendingPathComponent("face_face0_toon.png"))
        let proj = try Image.read(from: out.appendingPathComponent("face_face0_proj.png"))
        #expect(toon.width == 64 && toon != proj)
        let zero = Toon.temporaryFolder().appendingPathComponent("zero")
        let none = try Toon.run(["toonify", face.path, "--aligned", "--steps", "20", "--degree", "0", "--out", zero.path])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(try Image.read(from: zero.appendingPathComponent("face_face0_toon.png")) == proj, "degree 0 draws the base's own image")
    }

    @Test("several degrees come from one projection: a cartoon per degree, a strip, a pasted photo per degree")
    func degreeStrip() throws {
        let face = try Self.synthFace()
        let out = Toon.temporaryFolder().appendingPathComponent("toons")
        let result = try Toon.run(["toonify", face.path, "--aligned", "--steps", "5", "--degree", "0,0.5,1", "--paste-back", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("at degrees 0, 0.5, 1 ("), "\(result.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["face_face0_proj.png", "face_face0_strip.png", "face_face0_toon_d0.00.png", "face_face0_toon_d0.50.png",
                          "face_face0_toon_d1.00.png", "face_face0_w.npy", "face_toon_d0.00.png", "face_toon_d0.50.png", "face_toon_d1.00.png"])
        let strip = try Image.read(from: out.appendingPathComponent("face_face0_strip.png"))
        #expect(strip.width == 192 && strip.height == 64)
        #expect(try Image.read(from: out.appendingPathComponent("face_face0_toon_d0.00.png"))
                == (try Image.read(from: out.appendingPathComponent("face_face0_proj.png"))))
    }

    static let photo = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg"

    @Test("a photo: every face the cascade finds is toonified and pasted back",
          .enabled(if: FileManager.default.fileExists(atPath: photo) && FileManager.default.fileExists(atPath: "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"),
                   "needs Debian's opencv-doc and libdlib-data (scripts/install-deps --tests)"))
    func photoFaces() throws {
        let out = Toon.temporaryFolder().appendingPathComponent("toons")
        // The Haar cascade's two boxes (one not a face) exercise two faces; the CNN finds one here.
        let result = try Toon.run(["toonify", Self.photo, "--steps", "2", "--paste-back", "--out", out.path, "--detector", "haar"])
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(names.filter { $0.hasSuffix("_toon.png") && $0.contains("_face") }.count == 2, "\(names)")
        let pasted = try Image.read(from: out.appendingPathComponent("messi5_toon.png"))
        let original = try Image.read(from: URL(fileURLWithPath: Self.photo))
        #expect(pasted.width == original.width && pasted.height == original.height && pasted != original)
    }

    @Test("a photo without a face is one line and exit 2, with nothing written")
    func noFace() throws {
        let folder = Toon.temporaryFolder()
        let blank = folder.appendingPathComponent("blank.png")
        try Image(width: 80, height: 60, channels: 3, repeating: 0.5).write(to: blank)
        let out = folder.appendingPathComponent("toons")
        let result = try Toon.run(["toonify", blank.path, "--steps", "2", "--out", out.path, "--detector", "haar"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr == "toon: \(blank.path): no face found\n")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("usage errors exit with 64", arguments: [
        (["--base", "b.pkl"], "--base and --styled go together"),
        (["--degree", "1.5"], "--degree must be numbers in 0...1"),
        (["--degree", "0.5,x"], "--degree must be numbers in 0...1"),
        (["--degree", "0.501,0.502"], "--degree values must differ in their first two decimals"),
        (["--steps", "0"], "--steps must be in 1...100000"),
        (["--lpips", "vgg.pth"], "--vgg16 and --lpips go together"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let result = try Toon.run(["toonify", "photo.png", "--out", Toon.temporaryFolder().path] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
