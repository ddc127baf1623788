import Foundation
import ToonMetrics
import Testing
import ToonIO
@testable import Faces

/// Reference/alignment_reference.json and aligned/*.png, made by Reference/make_alignment_reference.py:
/// NVLabs' FFHQ recipe (PIL, NumPy, SciPy) on dlib's landmarks from landmarks_reference.json.
struct AlignmentReference: Decodable {
    struct Steps: Decodable {
        let shrink: Int
        let crop: [Int]?
        let pad: [Int]?
    }

    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        let photo: String
        let face: Int
        let outputSize: Int
        let transformSize: Int
        let why: String
        let quad: [[Double]]
        let steps: Steps
        let png: String
        var testDescription: String { "\(photo) face \(face) at \(outputSize) (\(why))" }
    }

    let cases: [Case]

    static let shared: AlignmentReference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/alignment_reference.json")
        return try! JSONDecoder().decode(AlignmentReference.self, from: Data(contentsOf: url))
    }()

    static func png(_ test: Case) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/\(test.png)")
    }
}

extension AlignmentReference.Steps: Sendable {}

/// The aligned faces against the recipe's own, from the same photo and the same 68 points. Pillow
/// resizes in 8-bit fixed point and ToonIO in float, so pixels may differ by a level or two; the
/// bound is the SSIM of at least 0.95 (skimage's defaults, 8-bit RGB).
@Suite("FFHQ alignment matches NVLabs' recipe", .enabled(if: LandmarksReference.filesInstalled, LandmarksReference.missingFiles))
struct AlignmentReferenceTests {
    @Test("the same quad, and an aligned image with SSIM >= 0.95 against the recipe's",
          arguments: AlignmentReference.shared.cases)
    func matchesRecipe(_ test: AlignmentReference.Case) throws {
        let photo = try #require(LandmarksReference.shared.photos.first { $0.name == test.photo })
        let landmarks = photo.faces[test.face].points.map { FacePoint(x: Double($0[0]), y: Double($0[1])) }
        let image = try Image.read(from: URL(fileURLWithPath: photo.path))
        let alignment = FFHQAlignment(outputSize: test.outputSize, transformSize: test.transformSize)
        let aligned = alignment.align(image, landmarks: landmarks)

        // The quad is double arithmetic on whole-pixel landmarks: equal to NumPy's within rounding.
        for (corner, expected) in zip(aligned.quad, test.quad) {
            #expect(abs(corner.x - expected[0]) < 1e-9 && abs(corner.y - expected[1]) < 1e-9, "\(corner) vs \(expected)")
        }
        let reference = try Image.read(from: AlignmentReference.png(test))
        #expect(aligned.image.width == reference.width && aligned.image.height == reference.height)
        let ssim = StructuralSimilarity.skimage(ImagePlanes(rgb8: aligned.image), ImagePlanes(rgb8: reference))
        let a = ImagePlanes(rgb8: aligned.image).values, b = ImagePlanes(rgb8: reference).values
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        let mean = zip(a, b).map { abs($0 - $1) }.reduce(0, +) / Double(a.count)
        print("alignment \(test.testDescription): SSIM \(ssim), mean |difference| \(mean), worst \(worst) levels")
        #expect(ssim >= 0.95)
    }
}
