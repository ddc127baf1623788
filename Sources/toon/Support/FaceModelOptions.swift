import ArgumentParser
import Faces
import Foundation

/// The face detector and landmark model `toon align` and `toon toonify` use.
struct FaceModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("haar (Debian's Haar frontal-face cascade), lbp (its LBP one, faster) or cascade=FILE (any OpenCV cascade XML, e.g. an anime-face LBP cascade).",
                               valueName: "haar|lbp|cascade=FILE"))
    var detector: String = "haar"
    @Option(help: ArgumentHelp("dlib 68-point shape predictor .dat (default: Debian's libdlib-data shape_predictor_68_face_landmarks.dat).", valueName: "file"),
            completion: .file(extensions: ["dat"]))
    var landmarks: String?

    enum Detector: Equatable {
        case frontalFace(CascadeClassifier.FrontalFace)
        case file(String)
    }

    func validate() throws { _ = try parsedDetector() }

    func parsedDetector() throws -> Detector {
        switch detector {
        case "haar": return .frontalFace(.haar)
        case "lbp": return .frontalFace(.lbp)
        case let text where text.hasPrefix("cascade=") && text.count > "cascade=".count:
            return .file(String(text.dropFirst("cascade=".count)))
        default: throw ValidationError("--detector must be haar, lbp or cascade=FILE, not '\(detector)'")
        }
    }

    /// Adds the model files that exist (or were named) to the plan's inputs.
    func register(in plan: inout RunPlan) throws {
        switch try parsedDetector() {
        case .file(let path): try plan.read(path)
        case .frontalFace(let kind):
            if let path = kind.candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { try plan.read(path) }
        }
        if let landmarks { try plan.read(landmarks) }
        else if let path = ShapePredictor.defaultLandmarkCandidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            try plan.read(path)
        }
    }

    /// Detection, landmarks and `alignment` from the chosen files.
    func aligner(_ alignment: FFHQAlignment) throws -> FaceAligner {
        let cascade = switch try parsedDetector() {
        case .file(let path): try CascadeClassifier.load(from: URL(fileURLWithPath: path))
        case .frontalFace(let kind): try CascadeClassifier.defaultFrontalFace(kind)
        }
        let predictor = try landmarks.map { try ShapePredictor.load(from: URL(fileURLWithPath: $0)) } ?? ShapePredictor.defaultLandmarks()
        guard predictor.pointCount == 68 else {
            throw RunFailure("\(predictor.file): a \(predictor.pointCount)-point model; FFHQ alignment needs dlib's 68 points")
        }
        return FaceAligner(detector: cascade, predictor: predictor, alignment: alignment)
    }
}
