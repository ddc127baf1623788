import ArgumentParser
import Faces
import Foundation

/// The face detector and landmark model `toon align`, `toon toonify` and `toon faces` use.
struct FaceModelOptions: ParsableArguments {
    @OptionGroup var detection: FaceDetectorOptions
    @Option(help: ArgumentHelp("dlib 68-point shape predictor .dat (default: Debian's libdlib-data shape_predictor_68_face_landmarks.dat).", valueName: "file"),
            completion: .file(extensions: ["dat"]))
    var landmarks: String?

    var upsample: Int { detection.upsample }

    /// Adds the model files that exist (or were named) to the plan's inputs.
    func register(in plan: inout RunPlan) throws {
        try detection.register(in: &plan)
        if let landmarks { try plan.read(landmarks) }
        else if let path = ShapePredictor.defaultLandmarkCandidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            try plan.read(path)
        }
    }

    /// The chosen detector (see `FaceDetectorOptions.faceDetector`).
    func faceDetector() throws -> FaceDetector { try detection.faceDetector() }

    /// dlib's 68-point landmark model, from --landmarks or Debian's libdlib-data.
    func landmarkPredictor() throws -> ShapePredictor {
        let predictor = try landmarks.map { try ShapePredictor.load(from: URL(fileURLWithPath: $0)) } ?? ShapePredictor.defaultLandmarks()
        guard predictor.pointCount == 68 else {
            throw RunFailure("\(predictor.file): a \(predictor.pointCount)-point model; FFHQ alignment needs dlib's 68 points")
        }
        return predictor
    }

    /// Detection, landmarks and `alignment` from the chosen files.
    func aligner(_ alignment: FFHQAlignment) throws -> FaceAligner {
        FaceAligner(detector: try faceDetector(), predictor: try landmarkPredictor(), alignment: alignment)
    }
}
