#if Studio
import Foundation
import StyleGAN
import Stylizer
import ToonCore
import ToonIO
import Toonify

extension StudioWork {
    /// `toon toonify PHOTO --aligned --degree D --steps N --seed S`'s PHOTO_face0_toon.png; the projected
    /// w is kept beside it for the degree slider's previews.
    func toonify(_ job: Job, cancel: CancelFlag, progress: @escaping (Double) -> Void) throws -> WorkResult {
        let request = job.request
        let degree = try JobValidation.degree(request.degree ?? 1)
        let steps = request.steps ?? 300
        guard (1...5000).contains(steps) else { throw StudioError(.badRequest, "steps must be in 1...5000, not \(steps)") }
        let toonifier = try toonifier(try style(request.style, for: .toonify), steps: steps, seed: request.seed ?? 303)
        let photo = try photoUpload(request.upload)
        let resolution = toonifier.base.config.imageResolution
        let result = try toonifier.toonify(ProjectionTarget.tensor(from: photo, resolution: resolution)) {
            progress(Double($0.index) / Double(steps))
        }
        try cancel.check()
        try NPY.write(result.ws, to: results.appendingPathComponent("\(job.id)-w.npy"))
        let cartoon = try toonifier.cartoon(result.ws, degree: degree)
        return try savePNG(try Image(tensor: cartoon, range: -1...1), for: job, message: String(format: "toonified at degree %g (distance %.4f)", degree, result.distance))
    }

    /// A finished toonify job's cartoon at another degree, from its kept w: the slider's live preview.
    func toonifyPreview(_ job: Job, degree: Double) throws -> Image {
        let request = job.request
        let url = results.appendingPathComponent("\(job.id)-w.npy")
        guard job.status == .done, FileManager.default.fileExists(atPath: url.path) else {
            throw StudioError(.conflict, "job \(job.id) has no finished projection to preview")
        }
        let toonifier = try toonifier(try style(request.style, for: .toonify), steps: request.steps ?? 300, seed: request.seed ?? 303)
        let ws = try NPY.read(url)
        return try settings.compute.run { try Image(tensor: try toonifier.cartoon(ws, degree: try JobValidation.degree(degree)), range: -1...1) }
    }

    /// `toon stylize INPUT --degree D --out OUT` (full frame): a photo to PNG, a video to MP4 with its audio.
    func stylize(_ job: Job, cancel: CancelFlag, progress: @escaping (Double) -> Void) throws -> WorkResult {
        let request = job.request
        let student = try student(try style(request.style, for: .student))
        let degree = try studentDegree(student, request.degree)
        guard let upload = request.upload, let (url, kind) = uploads.file(upload) else { throw StudioError(.notFound, "no upload '\(request.upload ?? "")'") }
        guard kind.isVideo else {
            let result = try student.stylize(try scaledPhoto(url), degree: degree)
            return try savePNG(result, for: job, message: "\(result.width)x\(result.height) stylized")
        }
        let final = resultURL(job, "mp4")
        let stylization = VideoStylization(student: student, degree: degree, mode: .fullFrame)
        let summary = try stylization.run(input: url, output: final) { done, total in
            if let total, total > 0 { progress(min(1, Double(done) / Double(total))) }
        }
        do { try cancel.check() } catch {
            try? FileManager.default.removeItem(at: final)
            throw error
        }
        let audio = summary.audio.isEmpty ? "no audio" : summary.audio.allSatisfy { $0 == nil } ? "audio copied" : "audio re-encoded"
        return WorkResult(file: final.lastPathComponent, type: "video/mp4", message: "\(summary.frames) frames, \(summary.width)x\(summary.height), \(audio)")
    }

    /// A photo upload through a student at `degree`, scaled to at most 512 px: the stylize tab's live preview.
    func stylizePreview(style id: String, upload: String, degree: Double?) throws -> Image {
        let student = try student(try style(id, for: .student))
        guard let (url, kind) = uploads.file(upload) else { throw StudioError(.notFound, "no upload '\(upload)'") }
        guard !kind.isVideo else { throw StudioError(.badRequest, "previews are of photos; upload '\(upload)' is a video") }
        let photo = try scaledPhoto(url, maxSide: 512), studentDegree = try studentDegree(student, degree)
        return try settings.compute.run { try student.stylize(photo, degree: studentDegree) }
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

/// Checks of request fields, each failing with a 400 that names the field.
enum JobValidation {
    static func seeds(_ text: String?, limit: Int, field: String = "seeds") throws -> [UInt32] {
        guard let text, !text.isEmpty else { throw StudioError(.badRequest, "\(field) is required (e.g. \"0-3\")") }
        let seeds: [UInt32]
        do { seeds = try SeedList.parse(text) } catch { throw StudioError(.badRequest, "\(field) '\(text)': \(error)") }
        guard !seeds.isEmpty, seeds.count <= limit else { throw StudioError(.badRequest, "\(field): 1 to \(limit) values, not \(seeds.count)") }
        return seeds
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
