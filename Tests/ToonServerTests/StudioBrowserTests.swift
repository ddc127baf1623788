#if Studio
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ToonIO
import ToonTestSupport
@testable import ToonServer

/// The page in a real browser: headless Chromium (Debian's), driven over the DevTools protocol by
/// Browser/studio_driver.py, against a live server on loopback. Downloads are compared with the CLI's
/// output for the same options; screenshots stay in the folder the test prints.
@Suite("toon serve: the page in headless Chromium", .serialized, .computeFromEnvironment)
struct StudioBrowserTests {
    static let chromium = ProgramSearch.locate("chromium") ?? ProgramSearch.locate("chromium-browser")
    static let python = ProgramSearch.locate("python3")
    static let ready = chromium != nil && python != nil && ToonCLI.available && TestVideos.installed
    static let missing = "needs Debian's chromium (scripts/install-deps --tests installs it), python3, ffmpeg and the built toon"

    @Test("toonify a photo (slider, live preview, download) and a real photo with its faces found and pasted back, stylize a video with audio and a face video on its faces only, generate a grid, see the gallery; each download equals the CLI's output",
          .enabled(if: ready, Comment(rawValue: missing)), .timeLimit(.minutes(10)))
    func wholePage() async throws {
        let artefacts = FileManager.default.temporaryDirectory.appendingPathComponent("toon-serve-browser-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: artefacts, withIntermediateDirectories: true)
        print("toon serve browser test: screenshots and downloads in \(artefacts.path)")
        // The CLI's outputs for the options the driver picks.
        let face = artefacts.appendingPathComponent("face.png"), clip = artefacts.appendingPathComponent("clip.mp4")
        try Data(try Studio.facePNG()).write(to: face)
        try TestVideos.testsrc(clip, width: 64, height: 48, rate: "10", seconds: 1)
        let cli = artefacts.appendingPathComponent("cli")
        #expect(try ToonCLI.run(["toonify", face.path, "--aligned", "--steps", "8", "--degree", "0.6,0.2", "--out", cli.appendingPathComponent("toons").path]).status == 0)
        let portrait = FacePhotos.installed ? try FacePhotos.portrait(in: artefacts) : nil
        let faceClip = FacePhotos.installed ? try FacePhotos.clip(in: artefacts) : nil
        if let portrait, let faceClip {
            #expect(try ToonCLI.run(["toonify", portrait.path, "--paste-back", "--steps", "8", "--degree", "0.6,0.2", "--out", cli.appendingPathComponent("toons").path]).status == 0)
            #expect(try ToonCLI.run(["stylize", faceClip.path, "--face-only", "--degree", "0.7", "--out", cli.appendingPathComponent("face-video.mp4").path]).status == 0)
        }
        #expect(try ToonCLI.run(["stylize", clip.path, "--degree", "0.8", "--out", cli.appendingPathComponent("video.mp4").path]).status == 0)
        #expect(try ToonCLI.run(["generate", "--seeds", "0-3", "--trunc", "0.7", "--grid", "2x2", "--outdir", cli.appendingPathComponent("grid").path]).status == 0)

        let server = try Studio.server()
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/studio_driver.py")
            let run = try await Self.run(Self.python!, [driver.path, "--chromium", Self.chromium!.path, "--url", "http://127.0.0.1:\(port)/",
                                                         "--out", artefacts.path, "--photo", face.path, "--video", clip.path]
                                                        + (portrait.map { ["--real-photo", $0.path] } ?? []) + (faceClip.map { ["--face-video", $0.path] } ?? []))
            try #require(run.status == 0, "\(run.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let file = { (key: String) in URL(fileURLWithPath: summary[key] as? String ?? "/nonexistent") }
            let toons = cli.appendingPathComponent("toons")
            #expect(try Image.read(from: file("photo")) == Image.read(from: toons.appendingPathComponent("face_face0_toon_d0.60.png")))
            #expect(try Image.read(from: file("photoPreview")) == Image.read(from: toons.appendingPathComponent("face_face0_toon_d0.20.png")))
            let frames = { (url: URL) in try TestVideos.run("ffmpeg", ["-i", url.path, "-map", "0:v", "-f", "framemd5", "-"]) }
            if portrait != nil {
                #expect(try Image.read(from: file("realPhoto")) == Image.read(from: toons.appendingPathComponent("portrait_toon_d0.60.png")))
                #expect(try Image.read(from: file("realPhotoPreview")) == Image.read(from: toons.appendingPathComponent("portrait_toon_d0.20.png")))
                #expect(try frames(file("faceVideo")) == frames(cli.appendingPathComponent("face-video.mp4")))
            } else {
                print("toon serve browser test: opencv-doc's photos or libdlib-data are missing; the real photo and the face video were not driven")
            }
            #expect(try Image.read(from: file("generate")) == Image.read(from: cli.appendingPathComponent("grid/grid.png")))
            #expect(try frames(file("video")) == frames(cli.appendingPathComponent("video.mp4")))
            #expect(try TestVideos.streams(file("video")).compactMap { $0["codec_type"] as? String }.sorted() == ["audio", "video"])
            #expect((summary["galleryCards"] as? Int ?? 0) >= 3)
            #expect((summary["screenshots"] as? [String] ?? []).count >= 8)
        }
    }

    /// Runs a program to its end without holding a thread of Swift's pool (the server needs them).
    static func run(_ program: URL, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let folder = Studio.folder("driver")
        let out = folder.appendingPathComponent("stdout"), err = folder.appendingPathComponent("stderr")
        for url in [out, err] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let text = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        return (status, text(out), text(err))
    }
}
#endif
