import Foundation
import Testing
import ToonTestSupport
import ToonIO
@testable import Faces

/// Every face the CNN finds, aligned as `toon align` aligns it (FaceAligner with the CNN at
/// upsample 1): dlib's 68 landmarks in each of dlib's boxes (equal, whole pixels, as the landmark
/// reference requires) and the FFHQ recipe's quad from them (within 1e-6 px: the same double
/// arithmetic). The recipe's later steps are pinned by AlignmentReferenceTests.
@Suite("CNN faces align as the FFHQ recipe does", .computeFromEnvironment,
       .enabled(if: CNNReference.filesInstalled && LandmarksReference.filesInstalled, CNNReference.missingFiles))
struct CNNAlignmentReferenceTests {
    static let reference = CNNReference.shared

    @Test("landmarks and quad of every face found at upsample 1", arguments: reference.photos.indices)
    func alignsEveryFace(_ index: Int) throws {
        let photo = Self.reference.photos[index]
        let expected = try #require(photo.runs.first { $0.upsample == 1 }).faces
        let aligner = FaceAligner(detector: .cnn(CNNReference.detector, upsample: 1), predictor: LandmarksReference.predictor,
                                  alignment: FFHQAlignment(outputSize: 32, transformSize: 128))
        let faces = aligner.faces(in: try Image.read(from: URL(fileURLWithPath: photo.path)))
        #expect(faces.count == expected.count, "\(photo.name)")
        for face in faces {
            guard let dlib = expected.first(where: { $0.box == face.box }) else {
                Issue.record("\(photo.name): \(face.box) is none of dlib's boxes"); continue
            }
            #expect(face.landmarks.map { [Int($0.x), Int($0.y)] } == dlib.landmarks, "\(photo.name) \(dlib.rect)")
            for (corner, (point, recipe)) in zip(face.aligned.quad, dlib.quad).enumerated() {
                #expect(abs(point.x - recipe[0]) <= 1e-6 && abs(point.y - recipe[1]) <= 1e-6,
                        "\(photo.name) \(dlib.rect) corner \(corner): \(point) vs the recipe's \(recipe)")
            }
            #expect(face.aligned.image.width == 32 && face.aligned.image.height == 32)
        }
    }
}
