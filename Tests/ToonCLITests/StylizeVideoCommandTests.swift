import Foundation
import Testing
import ToonIO
import ToonTestSupport

@Suite("toon stylize on video", .enabled(if: TestVideos.installed, Comment(rawValue: TestVideos.missing)))
struct StylizeVideoCommandTests {
    /// A student distilled for 2 steps from 3 built-in pairs (the weights do not matter here).
    static func student(in folder: URL) throws -> String {
        let pairs = folder.appendingPathComponent("pairs.zip")
        _ = try Toon.run(["pairs", "--count", "3", "--resolution", "32", "--out", pairs.path])
        let run = folder.appendingPathComponent("run")
        _ = try Toon.run(["distill", "--pairs", pairs.path, "--steps", "2", "--out", run.path] + DistillCommandTests.small)
        return run.appendingPathComponent("student-000002.safetensors").path
    }

    @Test("a clip with sound into Matroska: frame count, size and rate kept, the AAC copied, nothing on stderr when piped; the flicker metric runs on a photo")
    func video() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let student = try Self.student(in: folder)
        let clip = folder.appendingPathComponent("clip.mp4"), out = folder.appendingPathComponent("toon.mkv")
        try TestVideos.testsrc(clip, width: 64, height: 48, seconds: 0.4)
        let result = try Toon.run(["stylize", "--model", student, clip.path, "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("10 frames, 64x48 at 25/1 fps, audio copied"), "\(result.stdout)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let streams = try TestVideos.streams(out)
        #expect(streams.map { $0["codec_name"] as? String } == ["h264", "aac"])
        #expect(streams.first?["nb_read_frames"] as? String == "10")
        #expect(try TestVideos.audioPacketsMD5(out) == TestVideos.audioPacketsMD5(clip))

        let photo = folder.appendingPathComponent("photo.png")
        try Image(width: 80, height: 70, channels: 3, samples: (0..<(3 * 80 * 70)).map { Float($0 % 89) / 88 }).write(to: photo)
        let flicker = try Toon.run(["metrics", "--metric", "flicker", "--model", student, "--photo", photo.path,
                                    "--clip-size", "48", "--clip-frames", "4", "--pan", "4,2", "--json"])
        #expect(flicker.status == 0, "\(flicker.stderr)")
        #expect(flicker.stdout.contains("\"metric\": \"flicker\"") && flicker.stdout.contains("\"full-frame\": "), "\(flicker.stdout)")
    }

    @Test("--preset: x264's names only, for H.264 output only; the default (veryfast) and a named preset reach x264")
    func preset() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let student = try Self.student(in: folder)
        let clip = folder.appendingPathComponent("clip.mp4"), out = folder.appendingPathComponent("toon.mp4")
        try TestVideos.testsrc(clip, width: 64, height: 48, seconds: 0.4)
        let unknown = try Toon.run(["stylize", "--model", student, clip.path, "--preset", "quick", "--out", out.path])
        #expect(unknown.status == 64 && unknown.stderr.contains("--preset must be one of x264's"), "\(unknown.stderr)")
        let webm = try Toon.run(["stylize", "--model", student, clip.path, "--preset", "fast",
                                 "--out", folder.appendingPathComponent("toon.webm").path])
        #expect(webm.status == 64 && webm.stderr.contains("VP9"), "\(webm.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // x264 writes its settings into the stream: subme is 2 for veryfast, 0 for ultrafast, 7 for medium.
        for (preset, subme) in [(nil, "subme=2 "), ("ultrafast", "subme=0 "), ("medium", "subme=7 ")] {
            let result = try Toon.run(["stylize", "--model", student, clip.path, "--out", out.path] + (preset.map { ["--preset", $0] } ?? []))
            #expect(result.status == 0, "\(result.stderr)")
            let settings = String(decoding: try Data(contentsOf: out), as: UTF8.self)
            #expect(settings.contains(subme), "\(preset ?? "default"): no '\(subme)' in x264's settings")
        }
    }

    @Test("face-only on a clip with no face: one line, exit 2, no output; a damaged clip: one line naming it, exit 1, no output")
    func failures() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let student = try Self.student(in: folder)
        let clip = folder.appendingPathComponent("clip.mp4"), out = folder.appendingPathComponent("toon.mp4")
        try TestVideos.testsrc(clip, width: 64, height: 48, seconds: 0.4)
        let noFace = try Toon.run(["stylize", "--model", student, clip.path, "--face-only", "--detector", "haar", "--out", out.path])
        #expect(noFace.status == 2, "\(noFace.stderr)")
        #expect(noFace.stderr == "toon: \(clip.path): no face found in any of its 10 frames (face-only mode); nothing was written\n")
        #expect(!FileManager.default.fileExists(atPath: out.path))

        let cut = folder.appendingPathComponent("cut.mov")
        try TestVideos.testsrc(cut, width: 64, height: 48, seconds: 2, extra: ["-movflags", "+faststart"])
        let data = try Data(contentsOf: cut)
        try data.prefix(data.count / 2).write(to: cut)
        let damaged = try Toon.run(["stylize", "--model", student, cut.path, "--out", out.path])
        #expect(damaged.status == 1, "\(damaged.stderr)")
        #expect(damaged.stderr.hasPrefix("toon: \(cut.path): the video is damaged or cut short"), "\(damaged.stderr)")
        #expect(damaged.stderr.split(separator: "\n").count == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("toon") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test("face-only on a real photo with one face (opencv-doc's, Haar cascade): the picture at its size, one face stylized",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/doc/opencv-doc/opencv4/html/230501201_1.jpg")
                   && FileManager.default.fileExists(atPath: "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"),
                   "opencv-doc's photos or libdlib-data are not installed (scripts/install-deps --tests)"))
    func facePhoto() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let student = try Self.student(in: folder)
        let out = folder.appendingPathComponent("face.png")
        let result = try Toon.run(["stylize", "--model", student, "/usr/share/doc/opencv-doc/opencv4/html/230501201_1.jpg",
                                   "--face-only", "--detector", "haar", "--face-size", "64", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("584x824, 1 face,"), "\(result.stdout)")
        let image = try Image.read(from: out)
        #expect(image.width == 584 && image.height == 824)
    }

    @Test("flicker beside the teacher toonifying every frame (built-in pair, opencv-doc's photo): both rows, measured apart",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/doc/opencv-doc/opencv4/html/230501201_1.jpg")
                   && FileManager.default.fileExists(atPath: "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"),
                   "opencv-doc's photos or libdlib-data are not installed (scripts/install-deps --tests)"))
    func teacherFlicker() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let student = try Self.student(in: folder)
        let common = ["metrics", "--metric", "flicker", "--model", student, "--photo", "/usr/share/doc/opencv-doc/opencv4/html/230501201_1.jpg",
                      "--clip-size", "384", "--clip-frames", "3", "--pan", "4,2"]
        let result = try Toon.run(common + ["--flicker-teacher", "--teacher-steps", "2", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        let teacher = json["teacher-per-frame"] as? Double ?? -1, perFrame = json["student-per-frame"] as? Double ?? -1
        #expect(teacher > 0 && perFrame > 0 && teacher != perFrame, "\(result.stdout)")
        let stray = try Toon.run(common + ["--teacher-steps", "2"])
        #expect(stray.status == 64 && stray.stderr.contains("go with --flicker-teacher"), "\(stray.stderr)")
    }

    @Test("SIGINT or SIGTERM mid-video: exit 128 + signal, no output, no temporary file or ffmpeg log, no ffmpeg left", arguments: [SIGINT, SIGTERM])
    func interrupted(signal: Int32) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let student = try Self.student(in: folder)
        let clip = folder.appendingPathComponent("clip.mp4")
        try TestVideos.testsrc(clip, width: 128, height: 96, seconds: 8)
        let out = folder.appendingPathComponent("out"), scratch = folder.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": scratch.path]) { $1 }
        let (process, delay) = try Toon.interrupt(["stylize", "--model", student, clip.path, "--out", out.appendingPathComponent("toon.mp4").path],
                                                  signal: signal, watching: out, maxDelay: 500_000, environment: environment)
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal, "delay \(delay) µs")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty, "ffmpeg's log was left")
        #expect(ChildProcesses.mentioning(folder.path).isEmpty, "\(ChildProcesses.mentioning(folder.path))")
    }
}
