import ArgumentParser
import BuiltInModels
import Faces
import Foundation
import Stylizer
import ToonCore
import ToonIO

/// `toon stylize`: a photo or a video through a distilled student (toon distill).
struct Stylize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stylize a photo or a video with a distilled student (toon distill).",
        discussion: """
            Full-frame mode (the default) runs the student over the whole picture or
            frame; --face-only finds the faces, stylizes each aligned face and pastes it
            back under a feathered mask, leaving the rest as it was. Photos: EXIF
            orientation is honoured, larger than --max-side is scaled down first.
            Videos (.mp4, .mov, .webm, .mkv) stream through ffmpeg one frame at a time:
            size, frame rate and frame count kept, frames written upright (rotation
            applied, no tag), audio copied unchanged (re-encoded only when the output
            container cannot hold it: AAC into .webm becomes Opus). Without --model,
            the built-in student (64 px anime cartoons of ToonKit's synthetic faces,
            with a degree input). docs/stylizer.md.

            Examples:
              toon stylize photo.jpg --out toon.png        (the built-in student)
              toon stylize --model run/student-003000.safetensors photo.jpg --out toon.png
              toon stylize --model s.safetensors clip.mp4 --out toon.mp4
              toon stylize --model s.safetensors clip.mov --face-only --out toon.mkv
            """
    )

    @Option(help: ArgumentHelp("The student (toon distill's student-N.safetensors); without it, the built-in one.", valueName: "file"))
    var model: String?
    @Argument(help: ArgumentHelp("The photo (PNG, JPEG) or video (MP4, MOV, WebM, MKV).", valueName: "input"),
              completion: .file(extensions: ["png", "jpg", "jpeg", "mp4", "mov", "webm", "mkv"]))
    var input: String
    @Option(parsing: .unconditional, help: "Degree of toonification, for a student made with --degree-input.") var degree: Float?
    @Flag(name: .customLong("face-only"), help: "Stylize the faces only, pasted back into the picture.") var faceOnly = false
    @Flag(name: .customLong("full-frame"), help: "Stylize the whole picture (the default).") var fullFrame = false
    @Option(name: .customLong("detect-every"), parsing: .unconditional, help: "Face-only video: run the detector every K frames; landmarks follow the faces in between.")
    var detectEvery: Int = 10
    @Option(name: .customLong("face-size"), parsing: .unconditional, help: "Face-only: side of the aligned face the student sees.")
    var faceSize: Int = 256
    @Option(parsing: .unconditional, help: ArgumentHelp("Face-only video: one-euro smoothing of the face squares, cutoff at rest in Hz (0: none).", valueName: "hz"))
    var smoothing: Double = 1.5
    @Option(name: .customLong("max-side"), parsing: .unconditional, help: "Larger photos are scaled down to this side first.")
    var maxSide: Int = 2048
    @Option(parsing: .unconditional, help: "Video quality: x264's constant rate factor (VP9's is 13 more); lower is better.")
    var crf: Int = FFmpegVideoWriter.defaultCRF
    @Option(help: ArgumentHelp("H.264 video: x264's preset, \(FFmpegVideoWriter.x264Presets.joined(separator: ", ")) (default \(VideoStylization.defaultPreset)); slower presets make smaller files at the same --crf.", valueName: "name"))
    var preset: String?
    @OptionGroup var faces: FaceModelOptions
    @Option(help: ArgumentHelp("Output: a picture (.png, .jpg) for a photo, a video (.mp4, .mov, .webm, .mkv) for a video.", valueName: "file")) var out: String

    static let videoExtensions = ["mp4", "mov", "webm", "mkv"]
    var isVideo: Bool { Self.videoExtensions.contains(URL(fileURLWithPath: input).pathExtension.lowercased()) }

    func validate() throws {
        if let degree, !(degree.isFinite && (0...1).contains(degree)) { throw ValidationError("--degree must be in 0...1, not \(degree)") }
        if faceOnly && fullFrame { throw ValidationError("--face-only and --full-frame exclude each other") }
        if !(16...16384).contains(maxSide) { throw ValidationError("--max-side must be in 16...16384, not \(maxSide)") }
        if !(1...1000).contains(detectEvery) { throw ValidationError("--detect-every must be in 1...1000, not \(detectEvery)") }
        if !(16...1024).contains(faceSize) { throw ValidationError("--face-size must be in 16...1024, not \(faceSize)") }
        if !(smoothing.isFinite && (0...100).contains(smoothing)) { throw ValidationError("--smoothing must be in 0...100 Hz, not \(smoothing)") }
        if !(0...51).contains(crf) { throw ValidationError("--crf must be in 0...51, not \(crf)") }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        if let preset {
            if !FFmpegVideoWriter.x264Presets.contains(preset) {
                throw ValidationError("--preset must be one of x264's: \(FFmpegVideoWriter.x264Presets.joined(separator: ", ")), not '\(preset)'")
            }
            if !isVideo { throw ValidationError("--preset applies to video output only") }
            if ext == "webm" { throw ValidationError("--preset is x264's; .webm is encoded with VP9, which has no presets") }
        }
        if isVideo, !Self.videoExtensions.contains(ext) { throw ValidationError("a video input needs --out ending in .mp4, .mov, .webm or .mkv") }
        if !isVideo, !["png", "jpg", "jpeg"].contains(ext) { throw ValidationError("a photo input needs --out ending in .png, .jpg or .jpeg") }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            guard let model = model ?? BuiltInStudent.url?.path else { throw RunFailure("\(BuiltInStudent.StudentUnavailable())") }
            try plan.read(model)
            try plan.read(input)
            if faceOnly { try faces.register(in: &plan) }
            try plan.write(out)
            let student = try StudentModel.read(from: URL(fileURLWithPath: model))
            if degree != nil && !student.config.degreeInput {
                throw UsageProblem("\(model): this student has no degree input (distil it with --degree-input for a slider)")
            }
            do {
                if isVideo { try video(student, name: model) } else { try photo(student, name: model, plan: plan) }
            } catch let error as NoFaceFound {
                FileHandle.standardError.write(Data("toon: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }

    private var settings: FaceOnlyStylizer.Settings {
        FaceOnlyStylizer.Settings(detectEvery: detectEvery, faceSize: faceSize, smoothingCutoff: smoothing > 0 ? smoothing : nil)
    }

    private func video(_ student: StudentModel, name: String) throws {
        let mode: VideoStylization.Mode = faceOnly
            ? .faceOnly(detector: try faces.faceDetector(), predictor: try faces.landmarkPredictor(), settings: settings) : .fullFrame
        let job = VideoStylization(student: student, degree: degree, mode: mode, crf: crf, preset: preset ?? VideoStylization.defaultPreset)
        var progress: ProgressLine?
        let summary = try job.run(input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: out)) { done, total in
            if progress == nil { progress = ProgressLine("Stylizing", total: total ?? 0, unit: "frames") }
            progress!.update(done)
        }
        progress?.clear()
        let audio = summary.audio.isEmpty ? "no audio"
            : summary.audio.allSatisfy { $0 == nil } ? "audio copied"
            : "audio re-encoded to \(summary.audio.compactMap { $0 }.first!) (the container cannot hold the original)"
        let faceNote = summary.framesWithFaces.map { ", faces in \($0) frames" } ?? ""
        let turned = summary.rotation != 0 ? ", turned upright (\(summary.rotation) degrees)" : ""
        print("\(out): \(summary.frames) frames, \(summary.width)x\(summary.height) at \(summary.rate) fps, \(audio)\(faceNote)\(turned)")
    }

    private func photo(_ student: StudentModel, name: String, plan: RunPlan) throws {
        var image = try Image.readUpright(from: URL(fileURLWithPath: input))
        let longest = max(image.width, image.height)
        if longest > maxSide {
            let scale = Double(maxSide) / Double(longest)
            image = image.resized(width: max(1, Int((Double(image.width) * scale).rounded())),
                                  height: max(1, Int((Double(image.height) * scale).rounded())))
        }
        try plan.requireMemory(student.frameBytes(width: image.width, height: image.height),
                               for: "stylizing a \(image.width)x\(image.height) picture", hint: "lower --max-side")
        let result: Image
        var faceNote = ""
        if faceOnly {
            let stylized = try FaceOnlyStylizer.stylizePhoto(image, student: student, detector: try faces.faceDetector(),
                                                             predictor: try faces.landmarkPredictor(), faceSize: faceSize, degree: degree)
            guard stylized.faces > 0 else { throw NoFaceFound(file: input, frames: 1) }
            result = stylized.image
            faceNote = ", \(stylized.faces) face\(stylized.faces == 1 ? "" : "s")"
        } else {
            result = try student.stylize(image, degree: degree)
        }
        try result.write(to: URL(fileURLWithPath: out))
        print("\(out): \(result.width)x\(result.height)\(faceNote), stylized by \(URL(fileURLWithPath: name).lastPathComponent)")
    }
}
