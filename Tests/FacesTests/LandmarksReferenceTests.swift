import Foundation
import Testing
import ToonIO
@testable import Faces

/// The 68 landmarks on real photos against dlib's own `shape_predictor`, given the same rectangles.
/// dlib returns whole pixels; the bound is 0.5 px, so every point must be dlib's point
/// exactly. The predictor reproduces dlib's float and double arithmetic and its rounding, so a
/// difference is a bug to find, not noise.
@Suite("Shape predictor matches dlib", .enabled(if: LandmarksReference.filesInstalled, LandmarksReference.missingFiles))
struct LandmarksReferenceTests {
    static let reference = LandmarksReference.shared

    @Test("ToonIO decodes each photo to the RGB bytes PIL handed dlib")
    func decodeMatchesPIL() throws {
        for photo in Self.reference.photos {
            let image = try Image.read(from: URL(fileURLWithPath: photo.path))
            #expect(image.width == photo.width && image.height == photo.height, "\(photo.name)")
            let plane = image.width * image.height
            var rgb = [UInt8](repeating: 0, count: 3 * plane)
            for i in 0..<plane {
                for c in 0..<3 {
                    let channel = image.channels >= 3 ? c : 0
                    rgb[3 * i + c] = UInt8((image.samples[channel * plane + i] * 255).rounded())
                }
            }
            #expect(CascadeReference.fnv1a(rgb) == photo.rgbFNV1a, "\(photo.name): RGB bytes")
        }
    }

    @Test("every point of every face within 0.5 px of dlib's (whole pixels: equal)",
          arguments: reference.photos.indices)
    func sameLandmarks(_ index: Int) throws {
        let photo = Self.reference.photos[index]
        let gray = GrayImage(dlibIntensitiesOf: try Image.read(from: URL(fileURLWithPath: photo.path)))
        var worst = 0.0
        let predictor = LandmarksReference.predictor
        let start = ContinuousClock.now
        for (k, face) in photo.faces.enumerated() {
            let found = predictor.landmarks(in: gray, face: face.box)
            try #require(found.count == face.points.count)
            for (p, (point, expected)) in zip(found, face.points).enumerated() {
                let distance = ((point.x - Double(expected[0])) * (point.x - Double(expected[0]))
                                + (point.y - Double(expected[1])) * (point.y - Double(expected[1]))).squareRoot()
                worst = max(worst, distance)
                #expect(distance <= 0.5, "\(photo.name) face \(k) (\(face.from) \(face.rect)) point \(p): \(point), dlib \(expected)")
            }
        }
        let perFace = (ContinuousClock.now - start) / photo.faces.count
        print("landmarks \(photo.name): \(photo.faces.count) faces, worst distance to dlib \(worst) px, \(perFace) per face")
    }
}
