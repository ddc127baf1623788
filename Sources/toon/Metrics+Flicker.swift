import ArgumentParser
import Faces
import Foundation
import StyleGAN
import Stylizer
import ToonIO
import Toonify

/// `toon metrics --metric flicker` options: a student and a photo to pan.
struct FlickerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("flicker: the student (toon distill's student-N.safetensors).", valueName: "file")) var model: String?
    @Option(help: ArgumentHelp("flicker: the still photo the panning clip is cut from.", valueName: "file")) var photo: String?
    @Option(help: ArgumentHelp("flicker: pixels the window moves right and down each frame.", valueName: "dx,dy")) var pan: String = "3,1"
    @Option(name: .customLong("clip-size"), parsing: .unconditional, help: ArgumentHelp("flicker: the clip's frame side.", valueName: "pixels"))
    var clipSize: Int = 256
    @Option(name: .customLong("clip-frames"), parsing: .unconditional, help: "flicker: frames in the clip.") var clipFrames: Int = 12
    @Flag(name: .customLong("flicker-faces"), help: "flicker: also face-only mode, with and without smoothing (the photo needs a face).")
    var faces = false
    @Flag(name: .customLong("flicker-teacher"), help: "flicker: also the teacher toonifying each frame's face (the photo needs a face; slow: a projection a frame).")
    var teacher = false
    @Option(name: .customLong("teacher-base"), help: ArgumentHelp("flicker: the teacher's base; default the built-in pair's.", valueName: "file"))
    var teacherBase: String?
    @Option(name: .customLong("teacher-styled"), help: ArgumentHelp("flicker: the teacher's styled model; default the built-in pair's.", valueName: "file"))
    var teacherStyled: String?
    @Option(name: .customLong("teacher-steps"), parsing: .unconditional, help: "flicker: projection steps per frame for the teacher.")
    var teacherSteps: Int = 100

    var given: Bool {
        model != nil || photo != nil || pan != "3,1" || clipSize != 256 || clipFrames != 12 || faces || teacher
            || teacherBase != nil || teacherStyled != nil || teacherSteps != 100
    }

    func step() throws -> (x: Int, y: Int) {
        let parts = pan.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let x = parts[0], let y = parts[1], abs(x) <= 64, abs(y) <= 64, x != 0 || y != 0 else {
            throw ValidationError("--pan must be two whole numbers dx,dy within 64 pixels, not both 0, not '\(pan)'")
        }
        return (x, y)
    }
}

extension MetricsCommand {
    func validateFlicker() throws {
        guard metric == .flicker else {
            if flicker.given { throw ValidationError("--model, --photo, --pan, --clip-* and --flicker-faces go with --metric flicker") }
            return
        }
        if flicker.model == nil || flicker.photo == nil { throw ValidationError("--metric flicker needs --model FILE and --photo FILE") }
        _ = try flicker.step()
        if !(16...2048).contains(flicker.clipSize) { throw ValidationError("--clip-size must be in 16...2048, not \(flicker.clipSize)") }
        if !(2...1000).contains(flicker.clipFrames) { throw ValidationError("--clip-frames must be in 2...1000, not \(flicker.clipFrames)") }
        if !flicker.teacher, flicker.teacherBase != nil || flicker.teacherStyled != nil || flicker.teacherSteps != 100 {
            throw ValidationError("--teacher-base, --teacher-styled and --teacher-steps go with --flicker-teacher")
        }
        if !(1...5000).contains(flicker.teacherSteps) { throw ValidationError("--teacher-steps must be in 1...5000, not \(flicker.teacherSteps)") }
        if real != nil || fake != nil || data != nil || network.network != nil || num != nil {
            throw ValidationError("--metric flicker measures --model on --photo; --real, --fake, --data, --network and --num are for the other metrics")
        }
    }

    /// Flicker of the student on a pan over the photo, beside a frozen output (the first frame's,
    /// shown for every frame: what ignoring the motion costs) and, with --flicker-faces, face-only mode.
    func flickerOfStudent() throws {
        var plan = RunPlan()
        try plan.read(flicker.model!)
        try plan.read(flicker.photo!)
        let student = try StudentModel.read(from: URL(fileURLWithPath: flicker.model!))
        let image = try Image.readUpright(from: URL(fileURLWithPath: flicker.photo!)).rgb()
        let photo = try RGBFrame(tensor: image.tensor(range: 0...1), range: 0...1)
        let step = try flicker.step()
        guard let clip = PanningClip(photo: photo, width: flicker.clipSize, height: flicker.clipSize, step: step, frames: flicker.clipFrames) else {
            throw RunFailure("\(flicker.photo!): \(photo.width)x\(photo.height) is too small for \(flicker.clipFrames) frames of \(flicker.clipSize) px panned \(flicker.pan) a frame")
        }
        var results: [(String, Double)] = []
        let first = student.stylize(frame: clip.frame(0))
        results.append(("frozen", clip.flicker { _ in first }))
        results.append(("full-frame", clip.flicker { student.stylize(frame: $0) }))
        if flicker.faces || flicker.teacher {
            // The default models (the CNN where fetched, else the Haar cascade; libdlib-data's landmarks).
            let models = try FaceModelOptions.parse([])
            let detector = try models.faceDetector(), predictor = try models.landmarkPredictor()
            if flicker.faces {
                for (name, smoothing) in [("face-only", Optional(1.5)), ("face-only-unsmoothed", nil)] {
                    let faces = FaceOnlyStylizer(student: student, detector: detector, predictor: predictor,
                                                 settings: .init(detectEvery: 10, faceSize: 256, smoothingCutoff: smoothing))
                    results.append((name, clip.flicker { var frame = $0; faces.stylize(&frame); return frame }))
                    if faces.framesWithFaces == 0 { throw RunFailure("\(flicker.photo!): no face found in the clip (--flicker-faces)") }
                }
            }
            if flicker.teacher { results += try teacherFlicker(clip: clip, student: student, detector: detector, predictor: predictor) }
        }
        if json {
            let fields = results.map { "\"\($0.0)\": \(String(format: "%.4f", $0.1))" }.joined(separator: ", ")
            print("{\"metric\": \"flicker\", \"unit\": \"8-bit levels\", \"pan\": [\(step.x), \(step.y)], \"frames\": \(clip.frames), \(fields)}")
        } else {
            for (name, value) in results { print("flicker \(name) \(String(format: "%.4f", value))") }
        }
    }

    /// The issue's baseline: the teacher (projection and blended drawing, as toon toonify) run on
    /// every frame's face, found anew in each frame, beside the student on the same faces at the
    /// teacher's resolution, so both rows differ only in what draws the face.
    private func teacherFlicker(clip: PanningClip, student: StudentModel, detector: FaceDetector,
                                predictor: ShapePredictor) throws -> [(String, Double)] {
        let pair = try ToonifyCommand.modelFiles(base: flicker.teacherBase, styled: flicker.teacherStyled)
        let base = try NetworkOption.load(pair.base), styled = try NetworkOption.load(pair.styled)
        let resolution = base.config.imageResolution
        var projection = ProjectionSettings()
        projection.steps = flicker.teacherSteps
        let toonifier = try Toonifier(base: base, styled: styled, blend: Blend.Settings(swapResolution: Blend.Settings.defaultSwapResolution(outputResolution: resolution), degree: 1),
                                      objective: .pixelAndMultiScaleSSIM, projection: projection)
        let perFrame = FaceOnlyStylizer.Settings(detectEvery: 1, faceSize: resolution, smoothingCutoff: nil)
        let progress = ProgressLine("Teacher", total: clip.frames, unit: "frames")
        var failure: Error?, done = 0
        let teacher = FaceOnlyStylizer(faceSide: resolution, detector: detector, predictor: predictor, settings: perFrame) { face, _ in
            do {
                return try toonifier.toonify(face).cartoon
            } catch {
                failure = failure ?? error
                return face
            }
        }
        let teacherFlicker = clip.flicker { frame in
            var frame = frame
            teacher.stylize(&frame)
            done += 1
            progress.update(done)
            return frame
        }
        progress.clear()
        if let failure { throw RunFailure("\(pair.base): the teacher's projection failed: \(failure)") }
        if teacher.framesWithFaces == 0 { throw RunFailure("\(flicker.photo!): no face found in the clip (--flicker-teacher)") }
        let faces = FaceOnlyStylizer(faceSide: resolution, detector: detector, predictor: predictor, settings: perFrame) {
            student.stylize($0, degree: $1)
        }
        let studentFlicker = clip.flicker { var frame = $0; faces.stylize(&frame); return frame }
        return [("teacher-per-frame", teacherFlicker), ("student-per-frame", studentFlicker)]
    }
}
