import Foundation
import Testing
@testable import Faces

/// Reference/landmarks_reference.json, made by Reference/make_landmarks_reference.py with dlib 20.0.1
/// (PyPI's dlib-bin) from Debian's libdlib-data model and photos of Debian's opencv-doc; neither
/// package's files are committed here.
struct LandmarksReference: Decodable {
    struct Face: Decodable {
        /// dlib.rectangle's left, top, right, bottom (inclusive).
        let rect: [Int]
        let from: String
        let points: [[Int]]
        var box: FaceBox { FaceBox(x: rect[0], y: rect[1], width: rect[2] - rect[0] + 1, height: rect[3] - rect[1] + 1) }
    }

    struct Photo: Decodable {
        let path: String
        let why: String
        let width: Int, height: Int, channels: Int
        let rgbFNV1a: UInt32
        let faces: [Face]
        var name: String { URL(fileURLWithPath: path).lastPathComponent }
    }

    let dlib: String
    let model: String
    let modelBytes: Int
    let photos: [Photo]

    static let shared: LandmarksReference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/landmarks_reference.json")
        return try! JSONDecoder().decode(LandmarksReference.self, from: Data(contentsOf: url))
    }()

    /// Whether libdlib-data's model and opencv-doc's photos are installed (scripts/install-deps --tests).
    static let filesInstalled: Bool = {
        ([shared.model] + shared.photos.map(\.path)).allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }()

    static let missingFiles: Comment =
        "Debian's libdlib-data and opencv-doc are not installed (scripts/install-deps --tests installs them)"

    /// Loaded once: 100 MB of trees take a few seconds to read in a debug build.
    static let predictor: ShapePredictor = {
        let start = ContinuousClock.now
        let predictor = try! ShapePredictor.load(from: URL(fileURLWithPath: shared.model))
        print("landmarks: read \(shared.model) in \(ContinuousClock.now - start)")
        return predictor
    }()
}
