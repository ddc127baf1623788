import Foundation
import ToonIO

/// NVLabs' FFHQ alignment (ffhq-dataset `download_ffhq.py`, `recreate_aligned_images`) from dlib's 68
/// landmarks: an oriented square from the eyes and mouth, the photo shrunk when the square is far
/// larger than the output, cropped, padded by reflection with a blurred, faded border where the
/// square runs past it, warped to `transformSize` (Pillow's QUAD, bilinear) and resized to
/// `outputSize` with Lanczos (PIL's ANTIALIAS). docs/faces.md gives the measured agreement.
public struct FFHQAlignment: Sendable, Equatable {
    /// Side of the aligned image.
    public var outputSize: Int
    /// Side of the intermediate warp (the recipe's 4096), which Lanczos then brings down to
    /// `outputSize`; never less than `outputSize` (the recipe would return the warp's size).
    public var transformSize: Int
    /// Pad past the photo's edges (the recipe's `enable_padding`); without it those pixels are black.
    public var padding: Bool

    /// The recipe's defaults: 1024 pixels from a 4096 warp, with padding.
    public init(outputSize: Int = 1024, transformSize: Int = 4096, padding: Bool = true) {
        precondition(outputSize > 0 && transformSize > 0, "alignment sizes \(outputSize) and \(transformSize)")
        self.outputSize = outputSize
        self.transformSize = max(transformSize, outputSize)
        self.padding = padding
    }

    /// The recipe's oriented crop square for 68 landmarks (iBUG 300-W order, as dlib's model gives
    /// them): corners top-left, bottom-left, bottom-right, top-right, in the photo's pixels.
    public static func quad(landmarks: [FacePoint]) -> [FacePoint] {
        precondition(landmarks.count == 68, "FFHQ alignment needs 68 landmarks, not \(landmarks.count)")
        // Pixel positions, so the crop's whole-pixel bounds always fit an Int.
        precondition(landmarks.allSatisfy { abs($0.x) < 1e7 && abs($0.y) < 1e7 }, "landmarks outside +-1e7 pixels")
        func mean(_ range: Range<Int>) -> (Double, Double) {
            let n = Double(range.count)
            return (range.reduce(0) { $0 + landmarks[$1].x } / n, range.reduce(0) { $0 + landmarks[$1].y } / n)
        }
        let eyeLeft = mean(36..<42), eyeRight = mean(42..<48)
        let eyeAverage = ((eyeLeft.0 + eyeRight.0) * 0.5, (eyeLeft.1 + eyeRight.1) * 0.5)
        let eyeToEye = (eyeRight.0 - eyeLeft.0, eyeRight.1 - eyeLeft.1)
        let mouthLeft = landmarks[48], mouthRight = landmarks[54]
        let mouthAverage = ((mouthLeft.x + mouthRight.x) * 0.5, (mouthLeft.y + mouthRight.y) * 0.5)
        let eyeToMouth = (mouthAverage.0 - eyeAverage.0, mouthAverage.1 - eyeAverage.1)

        // x: along eye-to-eye and across eye-to-mouth, as long as the larger of 2x the eye distance
        // and 1.8x the eye-to-mouth distance; y: x turned a quarter.
        var x = (eyeToEye.0 + eyeToMouth.1, eyeToEye.1 - eyeToMouth.0)
        let length = hypot(x.0, x.1)
        // Points that all coincide have no direction; NumPy would give NaN, here the square is level.
        x = length > 0 ? (x.0 / length, x.1 / length) : (1, 0)
        let scale = max(hypot(eyeToEye.0, eyeToEye.1) * 2.0, hypot(eyeToMouth.0, eyeToMouth.1) * 1.8)
        x = (x.0 * scale, x.1 * scale)
        let y = (-x.1, x.0)
        let c = (eyeAverage.0 + eyeToMouth.0 * 0.1, eyeAverage.1 + eyeToMouth.1 * 0.1)
        return [FacePoint(x: c.0 - x.0 - y.0, y: c.1 - x.1 - y.1), FacePoint(x: c.0 - x.0 + y.0, y: c.1 - x.1 + y.1),
                FacePoint(x: c.0 + x.0 + y.0, y: c.1 + x.1 + y.1), FacePoint(x: c.0 + x.0 - y.0, y: c.1 + x.1 - y.1)]
    }

    /// The face with these 68 landmarks, aligned.
    public func align(_ photo: Image, landmarks: [FacePoint]) -> AlignedFace {
        let original = Self.quad(landmarks: landmarks)
        var quad = original.map { ($0.x, $0.y) }
        // The square's side: the recipe's hypot(x) * 2, x being half of it.
        var qsize = hypot(original[3].x - original[0].x, original[3].y - original[0].y)
        var image = RGBCodes(photo)

        // Shrink: a whole factor when the square is at least 4x the output.
        let shrink = Int((qsize / Double(outputSize) * 0.5).rounded(.down))
        if shrink > 1 {
            let w = Int((Double(image.width) / Double(shrink)).rounded(.toNearestOrEven))
            let h = Int((Double(image.height) / Double(shrink)).rounded(.toNearestOrEven))
            image = image.resized(width: max(w, 1), height: max(h, 1))
            quad = quad.map { ($0.0 / Double(shrink), $0.1 / Double(shrink)) }
            qsize /= Double(shrink)
        }

        // Crop to the square plus a border, where that is smaller than the picture.
        let border = max(Int((qsize * 0.1).rounded(.toNearestOrEven)), 3)
        func bounds() -> (Int, Int, Int, Int) {
            (Int(quad.map(\.0).min()!.rounded(.down)), Int(quad.map(\.1).min()!.rounded(.down)),
             Int(quad.map(\.0).max()!.rounded(.up)), Int(quad.map(\.1).max()!.rounded(.up)))
        }
        var b = bounds()
        let crop = (max(b.0 - border, 0), max(b.1 - border, 0), min(b.2 + border, image.width), min(b.3 + border, image.height))
        if crop.2 - crop.0 < image.width || crop.3 - crop.1 < image.height {
            image = image.cropped(left: crop.0, top: crop.1, right: crop.2, bottom: crop.3)
            quad = quad.map { ($0.0 - Double(crop.0), $0.1 - Double(crop.1)) }
        }

        // Pad where the square (plus border) runs past the picture.
        b = bounds()
        var pad = [max(-b.0 + border, 0), max(-b.1 + border, 0), max(b.2 - image.width + border, 0),
                   max(b.3 - image.height + border, 0)]
        if padding && pad.max()! > border - 4 {
            let least = Int((qsize * 0.3).rounded(.toNearestOrEven))
            pad = pad.map { max($0, least) }
            image = ReflectionPad.pad(image, left: pad[0], top: pad[1], right: pad[2], bottom: pad[3], qsize: qsize)
            quad = quad.map { ($0.0 + Double(pad[0]), $0.1 + Double(pad[1])) }
        }

        // Warp, then resize.
        let corners = quad.map { FacePoint(x: $0.0 + 0.5, y: $0.1 + 0.5) }
        image = QuadTransform.apply(image, corners: corners, size: transformSize)
        if outputSize < transformSize { image = image.resized(width: outputSize, height: outputSize) }

        let s = Double(outputSize)
        let transform = AlignmentTransform(
            origin: original[0],
            xStep: FacePoint(x: (original[3].x - original[0].x) / s, y: (original[3].y - original[0].y) / s),
            yStep: FacePoint(x: (original[1].x - original[0].x) / s, y: (original[1].y - original[0].y) / s))
        return AlignedFace(image: image.image, quad: original, transform: transform)
    }
}
