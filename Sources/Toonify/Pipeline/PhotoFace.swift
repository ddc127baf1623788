import Faces
import Foundation
import ToonIO

/// A face to toonify: aligned at the base's resolution, with the square it came from in the photo
/// (where `PasteBack` puts its cartoon back).
public struct PhotoFace: Sendable {
    /// The aligned face, square.
    public var image: Image
    /// Its square's corners in the photo.
    public var quad: FaceQuad

    /// A face `image` cut from its photo at `quad`.
    public init(image: Image, quad: FaceQuad) {
        self.image = image
        self.quad = quad
    }

    /// The photo taken as one face already aligned: its centred square, at whole-pixel offsets as
    /// `ProjectionTarget` cuts it.
    public static func aligned(_ photo: Image) -> PhotoFace {
        let whole = min(photo.width, photo.height), side = Double(whole)
        let (x0, y0) = (Double((photo.width - whole) / 2), Double((photo.height - whole) / 2))
        return PhotoFace(image: photo, quad: FaceQuad(topLeft: (x0, y0), bottomLeft: (x0, y0 + side),
                                                      bottomRight: (x0 + side, y0 + side), topRight: (x0 + side, y0)))
    }

    /// FFHQ's alignment at `resolution`: the photo is warped at four times the output (at most 4096,
    /// as FFHQ's 4096 for 1024) before the final Lanczos resize.
    public static func alignment(resolution: Int) -> FFHQAlignment {
        FFHQAlignment(outputSize: resolution, transformSize: min(4 * resolution, 4096))
    }

    /// The faces `aligner` finds in `photo`, left to right, each aligned at the aligner's output size.
    public static func detected(in photo: Image, aligner: FaceAligner) -> [PhotoFace] {
        aligner.faces(in: photo).map { PhotoFace(image: $0.aligned.image, quad: FaceQuad($0.aligned.transform, side: aligner.alignment.outputSize)) }
    }
}
