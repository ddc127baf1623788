import Foundation
import Testing
import ToonIO
@testable import Faces

/// The alignment's pieces on hand-made input: the quad's geometry, the returned transform, and the
/// two different "reflect" edge rules (NumPy's padding and SciPy's filter) the recipe mixes.
struct AlignmentTests {
    /// 68 points where only the eyes (36-47) and mouth corners (48, 54) matter: eyes level at y 100,
    /// centres 60 apart, mouth 50 below their midpoint.
    static let landmarks: [FacePoint] = (0..<68).map { i in
        switch i {
        case 36..<42: FacePoint(x: 70, y: 100)
        case 42..<48: FacePoint(x: 130, y: 100)
        case 48: FacePoint(x: 80, y: 150)
        case 54: FacePoint(x: 120, y: 150)
        default: FacePoint(x: 0, y: 0)
        }
    }

    @Test("a level face gives an upright square: side max(2 x eye distance, 1.8 x eye-to-mouth), centred 1/10 towards the mouth")
    func quadGeometry() {
        let quad = FFHQAlignment.quad(landmarks: Self.landmarks)
        // Half side 120 (2 x 60 > 1.8 x 50); centre (100, 105).
        #expect(quad == [FacePoint(x: -20, y: -15), FacePoint(x: -20, y: 225), FacePoint(x: 220, y: 225), FacePoint(x: 220, y: -15)])
    }

    @Test("the transform maps aligned pixels to the photo and back; the aligned corners are the quad's")
    func transformRoundTrip() {
        let photo = Image(width: 200, height: 200, channels: 3, repeating: 0.5)
        let aligned = FFHQAlignment(outputSize: 64, transformSize: 64).align(photo, landmarks: Self.landmarks)
        let t = aligned.transform
        #expect(t.photoPoint(ofAligned: FacePoint(x: -0.5, y: -0.5)) == aligned.quad[0])
        #expect(t.photoPoint(ofAligned: FacePoint(x: 63.5, y: 63.5)) == aligned.quad[2])
        for p in [FacePoint(x: 3, y: 7), FacePoint(x: 40.25, y: -2), FacePoint(x: 63, y: 0)] {
            let back = t.alignedPoint(ofPhoto: t.photoPoint(ofAligned: p))
            #expect(abs(back.x - p.x) < 1e-9 && abs(back.y - p.y) < 1e-9)
        }
        #expect(aligned.image.width == 64 && aligned.image.height == 64 && aligned.image.channels == 3)
        // A flat grey photo stays flat grey (128), padding and all.
        #expect(aligned.image.samples.allSatisfy { abs($0 * 255 - 128) < 0.5 })
    }

    @Test("landmarks that all coincide give a point-sized square and an image, not a trap")
    func degenerateLandmarks() {
        let points = [FacePoint](repeating: FacePoint(x: 10, y: 10), count: 68)
        let photo = Image(width: 20, height: 20, channels: 3, repeating: 0.25)
        let aligned = FFHQAlignment(outputSize: 16, transformSize: 16).align(photo, landmarks: points)
        #expect(aligned.quad.allSatisfy { $0 == FacePoint(x: 10, y: 10) })
        #expect(aligned.image.width == 16)
    }

    @Test("NumPy's reflect padding skips the edge pixel; SciPy's reflect filter edge repeats it")
    func reflectRules() {
        // numpy.pad([0,1,2,3], 5, 'reflect') -> 1 2 3 2 1 | 0 1 2 3 | 2 1 0 1 2
        #expect((-5..<9).map { ReflectionPad.reflect($0, 4) } == [1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2])
        // scipy.ndimage 'reflect': 3 3 2 1 0 | 0 1 2 3 | 3 2 1 0 0 (period 8)
        #expect((-5..<9).map { GaussianBlur.reflect($0, 4) } == [3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0])
        // scipy's gaussian_filter1d radius: int(4 * sigma + 0.5).
        #expect(GaussianBlur.taps(sigma: 1.5).count == 13)
        #expect(abs(GaussianBlur.taps(sigma: 2).reduce(0, +) - 1) < 1e-12)
    }
}
