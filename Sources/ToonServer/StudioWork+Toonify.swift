#if Studio
import Faces
import Foundation
import StyleGAN
import ToonCore
import ToonIO
import Toonify

/// How a toonify job finds its faces (the request's `faces`).
enum FaceFinding: String {
    /// Detected, aligned and pasted back into the photo: `toon toonify --paste-back`.
    case detect
    /// The photo is one aligned face: `toon toonify --aligned`.
    case aligned
}

/// The face models jobs use when none are named, as the CLI's defaults: `FaceDetector.standard`
/// (dlib's CNN, else the Haar cascade) and dlib's 68 landmarks from Debian's libdlib-data.
final class FaceModels: Sendable {
    let detector: FaceDetector
    let predictor: ShapePredictor
    /// Set when the Haar cascade stands in for the CNN, whose model is not installed.
    let usesFallback: Bool

    init(detector: FaceDetector, predictor: ShapePredictor, usesFallback: Bool) {
        (self.detector, self.predictor, self.usesFallback) = (detector, predictor, usesFallback)
    }

    /// How a job's message says which detector looked, when it was the fallback.
    var note: String { usesFallback ? " (found by the Haar cascade: dlib's CNN face model is not installed)" : "" }

    /// Studios in one process (the tests run several side by side) share one copy while any holds it:
    /// the landmark model alone is 100 MB.
    static let loaded = SharedFaceModels()
}

/// The face models loaded in this process, by where they were looked for; held weakly, so a studio's
/// model cache still decides when they go.
final class SharedFaceModels: @unchecked Sendable {
    private struct Held { weak var models: FaceModels? }
    private var held: [String: Held] = [:]
    // Held while loading, so studios asking at once wait for one load instead of each making its own.
    private let lock = NSLock()

    func models(for key: String, load: () throws -> FaceModels) throws -> FaceModels {
        try lock.withLock {
            if let models = held[key]?.models { return models }
            let models = try load()
            held[key] = Held(models: models)
            return models
        }
    }
}

extension StudioWork {
    /// The request's face finding, or its default for `style`: aligned for a built-in style (the
    /// synthetic faces it knows come aligned), detect for the others.
    func faceFinding(_ request: JobRequest, style: Style) throws -> FaceFinding {
        guard let text = request.faces else { return style.builtIn ? .aligned : .detect }
        guard let finding = FaceFinding(rawValue: text) else { throw StudioError(.badRequest, "faces must be detect or aligned, not '\(text)'") }
        return finding
    }

    /// The default face models, kept in the model cache (and shared with other studios in the process).
    func faceModels() throws -> FaceModels {
        try models.value("faces") {
            let key = CNNFaceDetector.defaultModelCandidates(environment: settings.environment).joined(separator: "\n")
            let faces = try FaceModels.loaded.models(for: key) {
                let (detector, fallback) = try FaceDetector.standard(upsample: 1, environment: settings.environment)
                return FaceModels(detector: detector, predictor: try ShapePredictor.defaultLandmarks(), usesFallback: fallback != nil)
            }
            return (faces, Self.fileBytes(URL(fileURLWithPath: faces.detector.file)) + Self.fileBytes(URL(fileURLWithPath: faces.predictor.file)))
        }
    }

    /// `toon toonify PHOTO --paste-back --degree D --steps N --seed S`'s PHOTO_toon.png (faces
    /// detected), or `toon toonify PHOTO --aligned ...`'s PHOTO_face0_toon.png (faces aligned). Every
    /// face's w (and, detected, its square in the photo) is kept beside the result for the degree
    /// slider's previews.
    func toonify(_ job: Job, cancel: CancelFlag, progress: @escaping (Double) -> Void) throws -> WorkResult {
        let request = job.request
        let degree = try JobValidation.degree(request.degree ?? 1)
        let steps = request.steps ?? 300
        guard (1...5000).contains(steps) else { throw StudioError(.badRequest, "steps must be in 1...5000, not \(steps)") }
        let style = try style(request.style, for: .toonify)
        let finding = try faceFinding(request, style: style)
        let toonifier = try toonifier(style, steps: steps, seed: request.seed ?? 303)
        let photo = try photoUpload(request.upload)
        let resolution = toonifier.base.config.imageResolution
        let faces: [PhotoFace]
        var note = ""
        switch finding {
        case .aligned: faces = [PhotoFace.aligned(photo)]
        case .detect:
            let models = try faceModels()
            let aligner = FaceAligner(detector: models.detector, predictor: models.predictor, alignment: PhotoFace.alignment(resolution: resolution))
            faces = PhotoFace.detected(in: photo, aligner: aligner)
            note = models.note
            guard !faces.isEmpty else {
                throw StudioError(.unprocessableContent, "no face found in the photo\(note); for a photo that is one aligned face, use faces \"aligned\"")
            }
        }
        var ws: [Tensor] = [], cartoons: [Image] = [], distances: [Double] = []
        var pasted = photo
        for (k, face) in faces.enumerated() {
            let result = try toonifier.toonify(ProjectionTarget.tensor(from: face.image, resolution: resolution)) { step in
                try cancel.check()
                progress(Double(k * steps + step.index) / Double(faces.count * steps))
            }
            ws.append(result.ws)
            distances.append(result.distance)
            cartoons.append(try Image(tensor: try toonifier.cartoon(result.ws, degree: degree), range: -1...1))
            // Faces go back in order, each onto the photo as the earlier ones left it (as the CLI's --paste-back).
            pasted = PasteBack().composite(cartoons[k], into: pasted, quad: face.quad)
        }
        try cancel.check()
        let kept = ToonifyKept(results: results, job: job.id)
        do {
            try kept.write(ws: Tensor.concatenate(ws, axis: 0), quads: finding == .detect ? faces.map(\.quad) : nil)
            let count = "\(faces.count) face\(faces.count == 1 ? "" : "s")"
            return finding == .detect
                ? try savePNG(pasted, for: job, message: String(format: "%@ toonified at degree %g and pasted back%@", count, degree, note))
                : try savePNG(cartoons[0], for: job, message: String(format: "toonified at degree %g (distance %.4f)", degree, distances[0]))
        } catch {
            removeResult(of: job.id)
            throw error
        }
    }

    /// A finished toonify job's result at another degree, from its kept ws: the slider's live preview
    /// (the cartoon, or the photo with every face's cartoon pasted back).
    func toonifyPreview(_ job: Job, degree: Double) throws -> Image {
        let request = job.request
        let kept = ToonifyKept(results: results, job: job.id)
        guard job.status == .done, let (ws, quads) = try kept.read() else {
            throw StudioError(.conflict, "job \(job.id) has no finished projection to preview")
        }
        let degree = try JobValidation.degree(degree)
        let toonifier = try toonifier(try style(request.style, for: .toonify), steps: request.steps ?? 300, seed: request.seed ?? 303)
        let photo = quads == nil ? nil : try photoUpload(request.upload)
        return try settings.compute.run {
            let cartoons = try (0..<ws.shape[0]).map { k in
                try Image(tensor: try toonifier.cartoon(ws.slice(axis: 0, k..<(k + 1)).contiguous(), degree: degree), range: -1...1)
            }
            guard let quads, let photo else {
                guard let cartoon = cartoons.first else { throw StudioError(.conflict, "job \(job.id) kept no face") }
                return cartoon
            }
            return zip(cartoons, quads).reduce(photo) { PasteBack().composite($1.0, into: $0, quad: $1.1) }
        }
    }
}

/// What a toonify job keeps beside its result for previews: every face's w, [K, numWs, wDim], in
/// `ID-w.npy`, and for detected faces their squares in the photo in `ID-faces.json`.
struct ToonifyKept {
    let results: URL
    let job: String

    var wURL: URL { results.appendingPathComponent("\(job)-w.npy") }
    var facesURL: URL { results.appendingPathComponent("\(job)-faces.json") }

    /// A square's corners as JSON keeps them: top-left, bottom-left, bottom-right, top-right, x then y.
    private struct Square: Codable {
        let corners: [Double]
    }

    func write(ws: Tensor, quads: [FaceQuad]?) throws {
        try NPY.write(ws, to: wURL)
        if let quads {
            let squares = quads.map { q in Square(corners: [q.topLeft, q.bottomLeft, q.bottomRight, q.topRight].flatMap { [$0.x, $0.y] }) }
            try AtomicFile.write(try JSONEncoder().encode(squares), to: facesURL)
        }
    }

    /// The kept ws and squares (nil: the faces were aligned), or nil when nothing was kept.
    func read() throws -> (ws: Tensor, quads: [FaceQuad]?)? {
        guard FileManager.default.fileExists(atPath: wURL.path) else { return nil }
        let ws = try NPY.read(wURL)
        guard FileManager.default.fileExists(atPath: facesURL.path) else { return (ws, nil) }
        let squares = try JSONDecoder().decode([Square].self, from: Data(contentsOf: facesURL))
        let quads = squares.compactMap { s -> FaceQuad? in
            guard s.corners.count == 8 else { return nil }
            let c = s.corners
            return FaceQuad(topLeft: (c[0], c[1]), bottomLeft: (c[2], c[3]), bottomRight: (c[4], c[5]), topRight: (c[6], c[7]))
        }
        guard quads.count == ws.shape[0] else { throw StudioError(.internalServerError, "job \(job)'s kept faces do not match its ws") }
        return (ws, quads)
    }
}
#endif
