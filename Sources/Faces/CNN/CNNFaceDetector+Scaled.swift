import ToonIO

extension CNNFaceDetector {
    /// The longest side a photo is detected at; larger photos are shrunk to it first. A 2000 px
    /// photo takes about a second and a few hundred MB at upsample 0 (docs/faces.md); faces
    /// smaller than 40 px after the shrink are not found.
    public static let largestSide = 2000

    /// `detect(in:upsample:)` on `photo` shrunk (pixel-area averaging) so its longer side is at most
    /// `largestSide`, the boxes mapped back to the photo's pixels: very large photos are
    /// detected, not refused.
    public func detectScaled(in photo: Image, upsample: Int = 0, largestSide: Int = CNNFaceDetector.largestSide) -> [FaceDetection] {
        let side = max(photo.width, photo.height)
        guard side > largestSide else { return detect(in: photo, upsample: upsample) }
        let scale = Double(largestSide) / Double(side)
        let small = photo.resized(width: max(1, Int((Double(photo.width) * scale).rounded())),
                                  height: max(1, Int((Double(photo.height) * scale).rounded())), filter: .area)
        let (sx, sy) = (Double(photo.width) / Double(small.width), Double(photo.height) / Double(small.height))
        return detect(in: small, upsample: upsample).map { face in
            let b = face.box
            let x0 = Int((Double(b.x) * sx).rounded()), y0 = Int((Double(b.y) * sy).rounded())
            let x1 = Int((Double(b.x + b.width) * sx).rounded()), y1 = Int((Double(b.y + b.height) * sy).rounded())
            return FaceDetection(box: FaceBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0), confidence: face.confidence)
        }
    }
}
