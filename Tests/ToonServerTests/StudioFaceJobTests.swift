#if Studio
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ToonIO
import ToonTestSupport
@testable import ToonServer

/// Jobs on real photos and clips with faces (found by the default face models, as the CLI's), each
/// result compared exactly with the CLI's output for the same options.
@Suite("toon serve: faces found in real photos and videos, compared with the CLI",
       .enabled(if: ToonCLI.available, "the toon executable is not built"),
       .enabled(if: FacePhotos.installed, Comment(rawValue: FacePhotos.missing)), .computeFromEnvironment)
struct StudioFaceJobTests {
    @Test("toonify with faces detected (two in one photo): equal to toon toonify --paste-back's PHOTO_toon.png; the slider's preview equals the CLI's other degree")
    func toonifyDetectedMatchesCLI() async throws {
        let server = try Studio.server()
        let folder = Studio.folder("cli")
        let photo = try FacePhotos.pair(in: folder)
        let out = folder.appendingPathComponent("toons")
        let cli = try ToonCLI.run(["toonify", photo.path, "--paste-back", "--steps", "4", "--seed", "7", "--degree", "0.6,0.2", "--out", out.path])
        #expect(cli.status == 0, "\(cli.stderr)")
        try await Studio.test(server) { client in
            let upload = try await Studio.upload(client, Array(try Data(contentsOf: photo)))
            var request = JobRequest(kind: .toonify, style: "shaded64-anime")
            (request.upload, request.steps, request.seed, request.degree, request.faces) = (upload.id, 4, 7, 0.6, "detect")
            let job = try await Studio.finish(client, try await Studio.submit(client, request))
            #expect(job.status == .done, "\(job.message ?? "")")
            #expect(job.message?.hasPrefix("2 faces toonified at degree 0.6 and pasted back") == true, "\(job.message ?? "")")
            let pasted = try Image.decode(try await Studio.result(client, job))
            #expect(pasted.width == upload.width && pasted.height == upload.height)
            #expect(pasted == (try Image.read(from: out.appendingPathComponent("pair_toon_d0.60.png"))))
            try await client.execute(uri: "/api/jobs/\(job.id)/preview?degree=0.2", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(try Image.decode(Array(response.body.readableBytesView)) == Image.read(from: out.appendingPathComponent("pair_toon_d0.20.png")))
            }
        }
    }

    @Test("no face: toonify with faces detected and face-only stylize of a photo and of a clip fail with a line saying so, and leave nothing",
          .enabled(if: TestVideos.installed, Comment(rawValue: TestVideos.missing)))
    func noFace() async throws {
        let server = try Studio.server()
        let blank = try Image(width: 96, height: 96, channels: 3, samples: [Float](repeating: 0.5, count: 3 * 96 * 96), bitDepth: 8).encoded(as: .png)
        let clip = Studio.folder("clip").appendingPathComponent("clip.mp4")
        try TestVideos.testsrc(clip, width: 64, height: 48, rate: "10", seconds: 0.5, audio: nil)
        try await Studio.test(server) { client in
            let photo = try await Studio.upload(client, blank), video = try await Studio.upload(client, Array(try Data(contentsOf: clip)))
            var toonify = JobRequest(kind: .toonify, style: "shaded64-anime")
            (toonify.upload, toonify.steps, toonify.faces) = (photo.id, 2, "detect")
            var still = JobRequest(kind: .stylize, style: "student")
            (still.upload, still.mode) = (photo.id, "face-only")
            var moving = still
            moving.upload = video.id
            let expected = [("no face found in the photo", "use faces \"aligned\""), ("no face found in the photo", "face-only mode needs a face"),
                            ("no face found in any of the video's 5 frames", "face-only mode needs a face")]
            for (request, (start, end)) in zip([toonify, still, moving], expected) {
                let job = try await Studio.finish(client, try await Studio.submit(client, request))
                #expect(job.status == .failed)
                #expect(job.message?.hasPrefix(start) == true && job.message?.hasSuffix(end) == true, "\(job.message ?? "")")
            }
        }
        let results = try FileManager.default.contentsOfDirectory(atPath: server.settings.dataDirectory.appendingPathComponent("results").path)
        #expect(results.isEmpty, "\(results)")
    }

    @Test("stylize face-only: a photo equal to toon stylize --face-only's, a clip's frames equal to its (framemd5)",
          .enabled(if: TestVideos.installed, Comment(rawValue: TestVideos.missing)))
    func stylizeFaceOnlyMatchesCLI() async throws {
        let server = try Studio.server()
        let folder = Studio.folder("cli")
        let photo = try FacePhotos.portrait(in: folder), clip = try FacePhotos.clip(in: folder)
        let toonPhoto = folder.appendingPathComponent("toon.png"), toonClip = folder.appendingPathComponent("toon.mp4")
        let photoCLI = try ToonCLI.run(["stylize", photo.path, "--face-only", "--degree", "0.7", "--out", toonPhoto.path])
        #expect(photoCLI.status == 0, "\(photoCLI.stderr)")
        let clipCLI = try ToonCLI.run(["stylize", clip.path, "--face-only", "--degree", "0.7", "--out", toonClip.path])
        #expect(clipCLI.status == 0, "\(clipCLI.stderr)")
        try await Studio.test(server) { client in
            let still = try await Studio.upload(client, Array(try Data(contentsOf: photo)))
            var request = JobRequest(kind: .stylize, style: "student")
            (request.upload, request.degree, request.mode) = (still.id, 0.7, "face-only")
            let stylized = try await Studio.finish(client, try await Studio.submit(client, request))
            #expect(stylized.status == .done && stylized.message?.contains("1 face") == true, "\(stylized.message ?? "")")
            #expect(try Image.decode(try await Studio.result(client, stylized)) == Image.read(from: toonPhoto))

            let video = try await Studio.upload(client, Array(try Data(contentsOf: clip)))
            request.upload = video.id
            let job = try await Studio.finish(client, try await Studio.submit(client, request))
            #expect(job.status == .done && job.resultType == "video/mp4", "\(job.message ?? "")")
            #expect(job.message?.contains("faces in 5 frames") == true, "\(job.message ?? "")")
            let served = folder.appendingPathComponent("served.mp4")
            try Data(try await Studio.result(client, job)).write(to: served)
            let frames = { (url: URL) in try TestVideos.run("ffmpeg", ["-i", url.path, "-map", "0:v", "-f", "framemd5", "-"]) }
            #expect(try frames(served) == frames(toonClip))
            #expect(try frames(served) != frames(clip), "the faces were stylized")
        }
    }
}

/// A real photo with one face: opencv-doc's portrait (the one the CLI's face tests use), halved to
/// 292x412 so the CNN detector runs quickly in a debug build.
enum FacePhotos {
    static let source = "/usr/share/doc/opencv-doc/opencv4/html/230501201_1.jpg"
    static let landmarks = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"
    static let installed = FileManager.default.fileExists(atPath: source) && FileManager.default.fileExists(atPath: landmarks)
    static let missing = "opencv-doc's photos or libdlib-data are not installed (scripts/install-deps --tests)"

    /// The halved portrait as `portrait.png` in `folder`.
    static func portrait(in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("portrait.png")
        try halved().write(to: url)
        return url
    }

    /// Two people: the halved portrait beside its mirror image, 584x412, as `pair.png` in `folder`.
    static func pair(in folder: URL) throws -> URL {
        let half = try halved().rgb(), (w, h) = (half.width, half.height)
        var samples = [Float](repeating: 0, count: 3 * 2 * w * h)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w {
                    let value = half.samples[(c * h + y) * w + x]
                    samples[(c * h + y) * 2 * w + x] = value
                    samples[(c * h + y) * 2 * w + 2 * w - 1 - x] = value
                }
            }
        }
        let url = folder.appendingPathComponent("pair.png")
        try Image(width: 2 * w, height: h, channels: 3, samples: samples, bitDepth: 8).write(to: url)
        return url
    }

    /// Five frames of the halved portrait, slowly zoomed so the face moves, as `faces.mp4` in `folder`.
    static func clip(in folder: URL) throws -> URL {
        let photo = try portrait(in: folder), clip = folder.appendingPathComponent("faces.mp4")
        try TestVideos.run("ffmpeg", ["-y", "-loop", "1", "-i", photo.path, "-vf", "scale=w='292+4*n':h='412+4*n':eval=frame,crop=292:412,format=yuv420p",
                                      "-r", "5", "-frames:v", "5", "-c:v", "libx264", "-preset", "ultrafast", clip.path])
        return clip
    }

    private static func halved() throws -> Image {
        try Image.readUpright(from: URL(fileURLWithPath: source)).resized(width: 292, height: 412)
    }
}
#endif
