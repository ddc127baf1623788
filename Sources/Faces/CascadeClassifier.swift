import Foundation
import ToonCore

/// An OpenCV cascade classifier (Haar or LBP features, boosted stages) read from OpenCV's XML and
/// evaluated as OpenCV 4.6's `CascadeClassifier::detectMultiScale` does, so that it finds the same
/// boxes on the same gray image (docs/faces.md gives the measured agreement).
public struct CascadeClassifier: Sendable {
    let cascade: Cascade
    /// The file the cascade was read from.
    public let file: String

    /// The kind of feature the cascade's trees test.
    public enum FeatureType: String, Sendable { case haar = "HAAR", lbp = "LBP" }

    public var featureType: FeatureType {
        if case .haar = cascade.features { return .haar }
        return .lbp
    }

    /// The window the cascade was trained on; the smallest object it can find.
    public var windowSize: (width: Int, height: Int) { (cascade.windowWidth, cascade.windowHeight) }

    /// Reads an OpenCV cascade file: `opencv_traincascade`'s format (BOOST stages, HAAR or LBP features)
    /// or the pre-2.4 `opencv-haar-classifier` format, which is converted as OpenCV 4 converts it.
    public static func load(from url: URL) throws(FacesError) -> CascadeClassifier {
        CascadeClassifier(cascade: try Cascade.read(from: url), file: url.path)
    }

    /// Reads cascade XML held in memory; `name` stands for the file in errors.
    public static func load(xml bytes: [UInt8], name: String = "<memory>") throws(FacesError) -> CascadeClassifier {
        CascadeClassifier(cascade: try Cascade.parse(bytes, file: name), file: name)
    }

    /// The frontal-face cascades Debian's `opencv-data` package installs.
    public enum FrontalFace: Sendable {
        /// `haarcascade_frontalface_default.xml`: Viola-Jones Haar features, 24x24 window.
        case haar
        /// `lbpcascade_frontalface_improved.xml`: LBP features, 45x45 window; several times faster.
        case lbp

        /// Where the file is looked for: Debian's path first, then OpenCV's own install prefixes.
        public var candidates: [String] {
            let relative = switch self {
            case .haar: "haarcascades/haarcascade_frontalface_default.xml"
            case .lbp: "lbpcascades/lbpcascade_frontalface_improved.xml"
            }
            return ["/usr/share/opencv4", "/usr/share/opencv", "/usr/local/share/opencv4",
                    "/opt/homebrew/share/opencv4"].map { "\($0)/\(relative)" }
        }
    }

    /// A frontal-face cascade from the system's OpenCV data; throws `.missingPackage("opencv-data")`
    /// naming Debian's path when no candidate exists.
    public static func defaultFrontalFace(_ kind: FrontalFace = .haar) throws(FacesError) -> CascadeClassifier {
        guard let path = kind.candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw FacesError(file: kind.candidates[0], .missingPackage("opencv-data"))
        }
        return try load(from: URL(fileURLWithPath: path))
    }

    /// The objects in `image`, as `detectMultiScale(image, scaleFactor, minNeighbors, 0, minSize, maxSize)`
    /// returns them: windows from `windowSize` up, each `scaleFactor` (> 1) times the last, no smaller
    /// than `minSize` and no larger than `maxSize` (nil or a zero dimension: the image), grouped by
    /// `RectangleGrouping` with more than `minNeighbors` windows per object (0: every accepted window)
    /// and clipped to the image. Pyramid levels are scanned in parallel. `scaleFactor` must be finite
    /// and above 1.
    public func detect(in image: GrayImage, scaleFactor: Double = 1.1, minNeighbors: Int = 3,
                       minSize: (width: Int, height: Int) = (0, 0),
                       maxSize: (width: Int, height: Int)? = nil) -> [FaceBox] {
        let levels = cascade.levels(imageWidth: image.width, imageHeight: image.height, scaleFactor: scaleFactor,
                                    minSize: minSize, maxSize: maxSize ?? (0, 0))
        var perLevel = [[FaceBox]](repeating: [], count: levels.count)
        perLevel.withUnsafeMutableBufferPointer { perLevel in
            // Levels shrink quickly, so handing them out one at a time balances the workers.
            Parallel.forEachTask(levels.count) { _, task in
                perLevel[task] = cascade.scan(image, level: levels[task])
            }
        }
        let grouped = RectangleGrouping.group(perLevel.flatMap { $0 }, threshold: minNeighbors, eps: 0.2)
        return grouped.compactMap { box in clip(box, width: image.width, height: image.height) }
    }

    /// OpenCV's clipObjects: the box's intersection with the image, dropped when empty.
    private func clip(_ box: FaceBox, width: Int, height: Int) -> FaceBox? {
        let x0 = max(box.x, 0), y0 = max(box.y, 0)
        let x1 = min(box.x + box.width, width), y1 = min(box.y + box.height, height)
        guard x1 > x0, y1 > y0 else { return nil }
        return FaceBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}
