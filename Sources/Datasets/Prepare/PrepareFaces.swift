import Faces
import ToonIO

/// `--crop faces`: every face a detector finds, each cut out as a square with a margin around it.
public struct PrepareFaces: Sendable {
    public var detector: FaceDetector
    /// How far the box is enlarged on each side, as a fraction of its width (left and right) and
    /// height (above and below).
    public var margin: Double
    /// Faces whose box is narrower or shorter than this (in the picture's pixels, before the
    /// margin) are dropped.
    public var minimumSide: Int

    public init(detector: FaceDetector, margin: Double = 0.1, minimumSide: Int = 0) {
        self.detector = detector
        self.margin = margin
        self.minimumSide = minimumSide
    }

    /// The margins `margin` may take.
    public static let margins: ClosedRange<Double> = 0...4

    /// The faces of `picture`, left to right (then top to bottom): each face's box and its square
    /// crop, or why the face is left out.
    func crops(of picture: Image) -> [(box: FaceBox, crop: Result<Image, PrepareDropReason>)] {
        let boxes = detector.detect(in: picture).map(\.box).sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        return boxes.map { box in
            if min(box.width, box.height) < minimumSide {
                return (box, .failure(.faceTooSmall(width: box.width, height: box.height, minimum: minimumSide)))
            }
            let region = Self.region(around: box, margin: margin, width: picture.width, height: picture.height)
            return (box, .success(picture.cropped(x: region.x, y: region.y, width: region.width, height: region.height)))
        }
    }

    /// The square cut around `box` in a `width` x `height` picture, by the rule of nagadomi's
    /// face_collector.rb (animeface-2009), the cropping script of the anime-face recipe: the box
    /// grown by `margin` times its width left and right and its height above and below, the
    /// top-left corner clipped to the picture (truncated to whole pixels) and the far sides to
    /// its edges, then cut to a square of the shorter side from the top-left corner.
    public static func region(around box: FaceBox, margin: Double, width: Int, height: Int) -> FaceBox {
        let (w, h) = (Double(box.width), Double(box.height))
        let x = Int(max(Double(box.x) - w * margin, 0)), y = Int(max(Double(box.y) - h * margin, 0))
        let right = min(x + Int(w + w * margin * 2), width), bottom = min(y + Int(h + h * margin * 2), height)
        let side = min(right - x, bottom - y)
        return FaceBox(x: x, y: y, width: side, height: side)
    }
}
