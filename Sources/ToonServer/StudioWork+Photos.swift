#if Studio
import Faces
import Foundation
import StyleGAN
import Stylizer
import ToonCore
import ToonIO
import Toonify

extension StudioWork {
    /// `toon stylize INPUT --degree D [--face-only] --out OUT`: a photo to PNG, a video to MP4 with its audio.
    func stylize(_ job: Job, cancel: CancelFlag, progress: @escaping (Double) -> Void) throws -> WorkResult {
        let request = job.request
        let student = try student(try style(request.style, for: .student))
        let degree = try studentDegree(student, request.degree)
        let mode = try stylizeMode(request.mode)
        guard let upload = request.upload, let (url, kind) = uploads.file(upload) else { throw StudioError(.notFound, "no upload '\(request.upload ?? "")'") }
        guard kind.isVideo else {
            let (result, note) = try stylizePhoto(try scaledPhoto(url), student: student, degree: degree, mode: mode)
            return try savePNG(result, for: job, message: "\(result.width)x\(result.height) stylized\(note)")
        }
        let final = resultURL(job, "mp4")
        var models: FaceModels?
        let videoMode: VideoStylization.Mode
        switch mode {
        case .fullFrame: videoMode = .fullFrame
        case .faceOnly:
            let faces = try faceModels()
            models = faces
            // toon stylize --face-only's defaults: detection every 10 frames, 256 px faces, 1.5 Hz smoothing.
            videoMode = .faceOnly(detector: faces.detector, predictor: faces.predictor, settings: FaceOnlyStylizer.Settings())
        }
        let stylization = VideoStylization(student: student, degree: degree, mode: videoMode)
        let summary: VideoStylization.Summary
        do {
            summary = try stylization.run(input: url, output: final) { done, total in
                try cancel.check()
                if let total, total > 0 { progress(min(1, Double(done) / Double(total))) }
            }
        } catch let error as NoFaceFound {
            throw StudioError(.unprocessableContent, "no face found in any of the video's \(error.frames) frames\(models?.note ?? ""); face-only mode needs a face")
        }
        let audio = summary.audio.isEmpty ? "no audio" : summary.audio.allSatisfy { $0 == nil } ? "audio copied" : "audio re-encoded"
        let faces = summary.framesWithFaces.map { ", faces in \($0) frames\(models?.note ?? "")" } ?? ""
        return WorkResult(file: final.lastPathComponent, type: "video/mp4", message: "\(summary.frames) frames, \(summary.width)x\(summary.height)\(faces), \(audio)")
    }

    /// A photo upload through a student at `degree`, scaled to at most 512 px: the stylize tab's live preview.
    func stylizePreview(style id: String, upload: String, degree: Double?, mode: String? = nil) throws -> Image {
        let student = try student(try style(id, for: .student))
        guard let (url, kind) = uploads.file(upload) else { throw StudioError(.notFound, "no upload '\(upload)'") }
        guard !kind.isVideo else { throw StudioError(.badRequest, "previews are of photos; upload '\(upload)' is a video") }
        let photo = try scaledPhoto(url, maxSide: 512), studentDegree = try studentDegree(student, degree), mode = try stylizeMode(mode)
        return try settings.compute.run { try stylizePhoto(photo, student: student, degree: studentDegree, mode: mode).image }
    }

    /// The request's stylize mode; full frame when not given.
    func stylizeMode(_ text: String?) throws -> StylizeMode {
        guard let text else { return .fullFrame }
        guard let mode = StylizeMode(rawValue: text) else { throw StudioError(.badRequest, "mode must be full-frame or face-only, not '\(text)'") }
        return mode
    }

    /// `photo` through `student` as `toon stylize` does: whole, or (face-only) every face found
    /// stylized and pasted back; a photo without a face is an error. The note tells the face count.
    func stylizePhoto(_ photo: Image, student: StudentModel, degree: Float?, mode: StylizeMode) throws -> (image: Image, note: String) {
        guard mode == .faceOnly else { return (try student.stylize(photo, degree: degree), "") }
        let models = try faceModels()
        // toon stylize --face-only's default face size, 256 px.
        let stylized = try FaceOnlyStylizer.stylizePhoto(photo, student: student, detector: models.detector, predictor: models.predictor,
                                                         faceSize: 256, degree: degree)
        guard stylized.faces > 0 else { throw StudioError(.unprocessableContent, "no face found in the photo\(models.note); face-only mode needs a face") }
        return (stylized.image, ", \(stylized.faces) face\(stylized.faces == 1 ? "" : "s")\(models.note)")
    }

    /// The student's degree input: the asked degree when it has one, none when it has none.
    func studentDegree(_ student: StudentModel, _ degree: Double?) throws -> Float? {
        guard let degree else { return nil }
        guard student.config.degreeInput else { return nil }
        return Float(try JobValidation.degree(degree))
    }

    /// The photo upload `id` read upright (EXIF), for toonify.
    func photoUpload(_ id: String?) throws -> Image {
        guard let id, let (url, kind) = uploads.file(id) else { throw StudioError(.notFound, "no upload '\(id ?? "")'") }
        guard !kind.isVideo else { throw StudioError(.badRequest, "toonify takes a photo; upload '\(id)' is a video") }
        return try Image.readUpright(from: url)
    }

    /// The photo upright and scaled down to `maxSide` as `toon stylize --max-side` does.
    func scaledPhoto(_ url: URL, maxSide: Int? = nil) throws -> Image {
        var image = try Image.readUpright(from: url)
        let limit = maxSide ?? settings.maxPhotoSide, longest = max(image.width, image.height)
        if longest > limit {
            let scale = Double(limit) / Double(longest)
            image = image.resized(width: max(1, Int((Double(image.width) * scale).rounded())),
                                  height: max(1, Int((Double(image.height) * scale).rounded())))
        }
        return image
    }
}

/// How a stylize job runs the student (the request's `mode`).
enum StylizeMode: String {
    /// Over the whole picture or frame.
    case fullFrame = "full-frame"
    /// Over the faces only, pasted back (`toon stylize --face-only`).
    case faceOnly = "face-only"
}

/// Checks of request fields, each failing with a 400 that names the field.
enum JobValidation {
    static func seeds(_ text: String?, limit: Int, field: String = "seeds") throws -> [UInt32] {
        guard let text, !text.isEmpty else { throw StudioError(.badRequest, "\(field) is required (e.g. \"0-3\")") }
        let seeds: [UInt32]
        do { seeds = try SeedList.parse(text) } catch { throw StudioError(.badRequest, "\(field) '\(text)': \(error)") }
        guard !seeds.isEmpty, seeds.count <= limit else { throw StudioError(.badRequest, "\(field): 1 to \(limit) values, not \(seeds.count)") }
        return seeds
    }

    /// An interpolation's space: w unless `z` is asked for.
    static func space(_ text: String?) throws -> LatentWalk.Space {
        guard let text else { return .w }
        guard let space = LatentWalk.Space(rawValue: text) else { throw StudioError(.badRequest, "space must be w or z, not '\(text)'") }
        return space
    }

    static func degree(_ value: Double) throws -> Double {
        guard value.isFinite, (0...1).contains(value) else { throw StudioError(.badRequest, "degree must be in 0...1, not \(value)") }
        return value
    }

    /// The grid a generate job composes its images in: as square as it gets, filled row by row.
    static func gridLayout(_ count: Int) -> GridLayout {
        let columns = Int(Double(count).squareRoot().rounded(.up))
        return GridLayout(rows: (count + columns - 1) / columns, columns: columns)!
    }
}
#endif
