import ToonIO

/// The affine map between an aligned face and the photo it was cut from, in pixel coordinates with
/// pixel centres at whole numbers on both sides: aligned pixel (u, v) shows the photo around
/// `origin + (u + 0.5) * xStep + (v + 0.5) * yStep`. Pasting an edited face back inverts it.
public struct AlignmentTransform: Equatable, Sendable {
    /// Where the aligned image's top-left corner (not its first pixel's centre) lies in the photo.
    public var origin: FacePoint
    /// The photo displacement of one aligned pixel to the right.
    public var xStep: FacePoint
    /// The photo displacement of one aligned pixel down.
    public var yStep: FacePoint

    /// A map from its corner and steps.
    public init(origin: FacePoint, xStep: FacePoint, yStep: FacePoint) {
        self.origin = origin
        self.xStep = xStep
        self.yStep = yStep
    }

    /// The photo point an aligned-image point shows.
    public func photoPoint(ofAligned p: FacePoint) -> FacePoint {
        let u = p.x + 0.5, v = p.y + 0.5
        return FacePoint(x: origin.x + u * xStep.x + v * yStep.x, y: origin.y + u * xStep.y + v * yStep.y)
    }

    /// The aligned-image point that shows a photo point (the inverse map).
    public func alignedPoint(ofPhoto p: FacePoint) -> FacePoint {
        let dx = p.x - origin.x, dy = p.y - origin.y
        let det = xStep.x * yStep.y - yStep.x * xStep.y
        let u = (dx * yStep.y - dy * yStep.x) / det, v = (xStep.x * dy - xStep.y * dx) / det
        return FacePoint(x: u - 0.5, y: v - 0.5)
    }
}

/// A face cut out and aligned as FFHQ's images were.
public struct AlignedFace: Sendable {
    /// The aligned face: 8-bit RGB, `outputSize` square.
    public var image: Image
    /// The oriented crop square in the photo's pixels: top-left, bottom-left, bottom-right and
    /// top-right corners of the face as the aligned image shows it (NVLabs' `quad`).
    public var quad: [FacePoint]
    /// Aligned pixels to photo pixels and back.
    public var transform: AlignmentTransform
}
