#if Studio
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import ToonIO
import ToonTestSupport
@testable import ToonServer

/// Jobs end to end through the API; each result is compared with what the CLI writes for the same
/// options (exactly: the same library calls on the same inputs give the same pixels).
@Suite("toon serve: jobs, compared with the CLI", .enabled(if: ToonCLI.available, "the toon executable is not built"), .computeFromEnvironment)
struct StudioJobTests {
    @Test("generate: the grid equals toon generate --seeds 0-4 --trunc 0.7 --grid 2x3's grid.png (exact)")
    func generateMatchesCLI() async throws {
        let server = try Studio.server()
        let out = Studio.folder("cli")
        let cli = try ToonCLI.run(["generate", "--seeds", "0-4", "--trunc", "0.7", "--grid", "2x3", "--outdir", out.path])
        #expect(cli.status == 0, "\(cli.stderr)")
        try await Studio.test(server) { client in
            var request = JobRequest(kind: .generate, style: "anime64")
            request.seeds = "0-4"
            request.psi = 0.7
            let job = try await Studio.finish(client, try await Studio.submit(client, request))
            #expect(job.status == .done && job.resultType == "image/png" && job.progress == 1)
            let bytes = try await Studio.result(client, job)
            #expect(try Image.decode(bytes) == Image.read(from: out.appendingPathComponent("grid.png")))
        }
    }

    @Test("mix and interpolate: equal to toon mix's grid.png and toon interpolate's GIF (exact bytes)")
    func mixAndInterpolateMatchCLI() async throws {
        let server = try Studio.server()
        let folder = Studio.folder("cli")
        #expect(try ToonCLI.run(["mix", "--rows", "1,2", "--cols", "3", "--styles", "0-3", "--outdir", folder.path]).status == 0)
        let gif = folder.appendingPathComponent("walk.gif")
        #expect(try ToonCLI.run(["interpolate", "--seeds", "0,5", "--frames", "6", "--fps", "10", "--loop", "--trunc", "0.8", "--out", gif.path]).status == 0)
        try await Studio.test(server) { client in
            var mix = JobRequest(kind: .mix, style: "anime64")
            (mix.rows, mix.cols, mix.layers) = ("1,2", "3", "0-3")
            let mixed = try await Studio.finish(client, try await Studio.submit(client, mix))
            #expect(try Image.decode(try await Studio.result(client, mixed)) == Image.read(from: folder.appendingPathComponent("grid.png")))
            var walk = JobRequest(kind: .interpolate, style: "anime64")
            (walk.seeds, walk.frames, walk.fps, walk.loop, walk.psi) = ("0,5", 6, 10, true, 0.8)
            let walked = try await Studio.finish(client, try await Studio.submit(client, walk))
            #expect(walked.resultType == "image/gif")
            #expect(try await Studio.result(client, walked) == Array(try Data(contentsOf: gif)))
        }
    }

    @Test("interpolate in z: equal to toon interpolate --space z's GIF (exact bytes); in w it differs")
    func interpolateInZMatchesCLI() async throws {
        let server = try Studio.server()
        let folder = Studio.folder("cli")
        let walk = folder.appendingPathComponent("walk.gif")
        #expect(try ToonCLI.run(["interpolate", "--seeds", "2,9", "--frames", "5", "--fps", "10", "--space", "z", "--out", walk.path]).status == 0)
        try await Studio.test(server) { client in
            var request = JobRequest(kind: .interpolate, style: "anime64")
            (request.seeds, request.frames, request.fps, request.space) = ("2,9", 5, 10, "z")
            let inZ = try await Studio.finish(client, try await Studio.submit(client, request))
            #expect(inZ.resultType == "image/gif", "\(inZ.message ?? "")")
            let bytes = try await Studio.result(client, inZ)
            #expect(bytes == Array(try Data(contentsOf: walk)))
            request.space = "w"
            let inW = try await Studio.finish(client, try await Studio.submit(client, request))
            #expect(try await Studio.result(client, inW) != bytes)
        }
    }

    @Test("toonify an aligned face: equal to toon toonify --aligned --steps 8 --degree 0.6; the slider's previews equal the CLI's other degrees")
    func toonifyMatchesCLI() async throws {
        let server = try Studio.server()
        let folder = Studio.folder("cli")
        let face = folder.appendingPathComponent("face.png")
        try Data(try Studio.facePNG()).write(to: face)
        let out = folder.appendingPathComponent("toons")
        let cli = try ToonCLI.run(["toonify", face.path, "--aligned", "--steps", "8", "--degree", "0.6,0.2", "--out", out.path])
        #expect(cli.status == 0, "\(cli.stderr)")
        try await Studio.test(server) { client in
            let upload = try await Studio.upload(client, try Studio.facePNG())
            var request = JobRequest(kind: .toonify, style: "shaded64-anime")
            (request.upload, request.steps, request.degree) = (upload.id, 8, 0.6)
            let job = try await Studio.finish(client, try await Studio.submit(client, request))
            #expect(job.status == .done, "\(job.message ?? "")")
            let cartoon = try Image.decode(try await Studio.result(client, job))
            #expect(cartoon == (try Image.read(from: out.appendingPathComponent("face_face0_toon_d0.60.png"))))
            try await client.execute(uri: "/api/jobs/\(job.id)/preview?degree=0.2", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(try Image.decode(Array(response.body.readableBytesView)) == Image.read(from: out.appendingPathComponent("face_face0_toon_d0.20.png")))
            }
            try await client.execute(uri: "/api/jobs/\(job.id)/preview?degree=1.5", method: .get) { #expect($0.status == .badRequest) }
        }
    }

    @Test("stylize a photo: equal to toon stylize --degree 0.7; the upload's live preview at 0.7 is the same picture")
    func stylizePhotoMatchesCLI() async throws {
        let server = try Studio.server()
        let folder = Studio.folder("cli")
        let face = folder.appendingPathComponent("face.png"), out = folder.appendingPathComponent("toon.png")
        try Data(try Studio.facePNG(seed: 5)).write(to: face)
        #expect(try ToonCLI.run(["stylize", face.path, "--degree", "0.7", "--out", out.path]).status == 0)
        let expected = try Image.read(from: out)
        try await Studio.test(server) { client in
            let upload = try await Studio.upload(client, try Studio.facePNG(seed: 5))
            var request = JobRequest(kind: .stylize, style: "student")
            (request.upload, request.degree) = (upload.id, 0.7)
            let job = try await Studio.finish(client, try await Studio.submit(client, request))
            #expect(try Image.decode(try await Studio.result(client, job)) == expected)
            try await client.execute(uri: "/api/uploads/\(upload.id)/preview?style=student&degree=0.7", method: .get) { response throws in
                #expect(try Image.decode(Array(response.body.readableBytesView)) == expected)
            }
        }
    }

    @Test("stylize a video with audio: the same frames as toon stylize (framemd5), audio kept; a video over the length limit is refused",
          .enabled(if: TestVideos.installed, Comment(rawValue: TestVideos.missing)))
    func stylizeVideoMatchesCLI() async throws {
        let server = try Studio.server { $0.maxVideoSeconds = 2 }
        let folder = Studio.folder("cli")
        let clip = folder.appendingPathComponent("clip.mp4"), long = folder.appendingPathComponent("long.mp4"), out = folder.appendingPathComponent("toon.mp4")
        try TestVideos.testsrc(clip, width: 96, height: 64, rate: "10", seconds: 1)
        try TestVideos.testsrc(long, width: 32, height: 32, rate: "5", seconds: 3, audio: nil)
        #expect(try ToonCLI.run(["stylize", clip.path, "--degree", "0.8", "--out", out.path]).status == 0)
        try await Studio.test(server) { client in
            let upload = try await Studio.upload(client, Array(try Data(contentsOf: clip)))
            #expect(upload.kind == .mp4 && upload.width == 96 && upload.height == 64 && abs((upload.duration ?? 0) - 1) < 0.1)
            var request = JobRequest(kind: .stylize, style: "student")
            (request.upload, request.degree) = (upload.id, 0.8)
            let job = try await Studio.finish(client, try await Studio.submit(client, request))
            #expect(job.status == .done && job.resultType == "video/mp4", "\(job.message ?? "")")
            #expect(job.message?.hasSuffix("audio copied") == true, "\(job.message ?? "")")
            let served = folder.appendingPathComponent("served.mp4")
            try Data(try await Studio.result(client, job)).write(to: served)
            let frames = { (url: URL) in try TestVideos.run("ffmpeg", ["-i", url.path, "-map", "0:v", "-f", "framemd5", "-"]) }
            #expect(try frames(served) == frames(out))
            #expect(try TestVideos.streams(served).compactMap { $0["codec_type"] as? String }.sorted() == ["audio", "video"])
            try await client.execute(uri: "/api/uploads", method: .post, body: ByteBuffer(bytes: Array(try Data(contentsOf: long)))) { response throws in
                #expect(response.status == .contentTooLarge)
                #expect(Studio.errorMessage(response) == "the video is 3.0 s long; the limit is 2 s")
            }
        }
    }
}
#endif
