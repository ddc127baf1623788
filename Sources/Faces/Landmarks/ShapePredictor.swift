import Foundation
import ToonIO

/// A point in image pixels: x to the right, y down, pixel centres at whole numbers.
public struct FacePoint: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Pixels to the right of the first column's centre.
    public var x: Double
    /// Pixels down from the first row's centre.
    public var y: Double

    /// The point (x, y).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public var description: String { "(\(x), \(y))" }
}

/// dlib's `shape_predictor` (Kazemi and Sullivan's cascade of regression trees) read from dlib's own
/// `.dat` file and run as dlib runs it, so that it places the same landmarks on the same image and
/// rectangle (docs/faces.md gives the measured agreement).
public struct ShapePredictor: Sendable {
    let model: ShapeModel
    /// The file the model was read from.
    public let file: String

    /// Points per face: 68 for `shape_predictor_68_face_landmarks.dat`.
    public var pointCount: Int { model.pointCount }

    /// Reads a dlib shape predictor file; a truncated, malformed or inconsistent file is a
    /// `FacesError` naming the file and the byte where reading stopped.
    public static func load(from url: URL) throws(FacesError) -> ShapePredictor {
        ShapePredictor(model: try ShapeModel.read(from: url), file: url.path)
    }

    /// Reads a model held in memory; `name` stands for the file in errors.
    public static func load(bytes: [UInt8], name: String = "<memory>") throws(FacesError) -> ShapePredictor {
        ShapePredictor(model: try ShapeModel.parse(bytes, file: name), file: name)
    }

    /// Where `defaultLandmarks()` looks: Debian's `libdlib-data` path, then dlib's usual install prefixes.
    public static let defaultLandmarkCandidates = [
        "/usr/share/dlib/shape_predictor_68_face_landmarks.dat",
        "/usr/local/share/dlib/shape_predictor_68_face_landmarks.dat",
        "/opt/homebrew/share/dlib/shape_predictor_68_face_landmarks.dat",
    ]

    /// dlib's 68-point face model (iBUG 300-W layout) from Debian's `libdlib-data` package; throws
    /// `.missingPackage("libdlib-data")` naming Debian's path when no candidate exists.
    public static func defaultLandmarks() throws(FacesError) -> ShapePredictor {
        guard let path = defaultLandmarkCandidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw FacesError(file: defaultLandmarkCandidates[0], .missingPackage("libdlib-data"))
        }
        return try load(from: URL(fileURLWithPath: path))
    }

    /// The landmarks of the face in `face`, as dlib's `shape_predictor(img, rect)` returns them for
    /// `rect = rectangle(x, y, x + width - 1, y + height - 1)`: whole pixels, rounded as dlib rounds.
    /// `image` holds dlib's pixel intensities (`GrayImage(dlibIntensitiesOf:)`).
    public func landmarks(in image: GrayImage, face: FaceBox) -> [FacePoint] {
        unroundedLandmarks(in: image, face: face).map {
            FacePoint(x: ($0.x + 0.5).rounded(.down), y: ($0.y + 0.5).rounded(.down))
        }
    }

    /// `landmarks(in:face:)` on a decoded image; converting once and calling the gray overload is
    /// cheaper for several faces.
    public func landmarks(in image: Image, face: FaceBox) -> [FacePoint] {
        landmarks(in: GrayImage(dlibIntensitiesOf: image), face: face)
    }

    /// The landmarks before dlib's final rounding to whole pixels.
    public func unroundedLandmarks(in image: GrayImage, face: FaceBox) -> [FacePoint] {
        precondition(face.width > 0 && face.height > 0, "face box \(face)")
        let frame = ShapeModel.Frame(face)
        let shape = model.evaluate(image, face: face)
        return (0..<pointCount).map { FacePoint(x: frame.x(shape[2 * $0]), y: frame.y(shape[2 * $0 + 1])) }
    }
}
