import Foundation
import Testing
import ToonIO
@testable import Faces

/// Detection on real photos against OpenCV 4.6's own `detectMultiScale`, box for box: same count and
/// the same x, y, width and height for every box, no tolerance. The detector reproduces OpenCV's
/// integer and float arithmetic step by step, so any difference is a bug to find, not noise.
@Suite("Cascade detection matches OpenCV 4.6", .enabled(if: CascadeReference.filesInstalled, CascadeReference.missingFiles))
struct CascadeDetectionReferenceTests {
    static let reference = CascadeReference.shared

    /// Loaded once: the Haar files take a moment to parse in a debug build.
    static let classifiers: [String: CascadeClassifier] = {
        reference.cascades.mapValues { try! CascadeClassifier.load(from: URL(fileURLWithPath: $0)) }
    }()

    static func gray(_ photo: CascadeReference.Photo) throws -> GrayImage {
        GrayImage(try Image.read(from: URL(fileURLWithPath: photo.path)))
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let photo: Int
        let cascade: String
        var testDescription: String { "\(CascadeReference.shared.photos[photo].name) with \(cascade)" }
    }

    static let cases: [Case] = reference.photos.indices.flatMap { photo in
        reference.cascades.keys.sorted().map { Case(photo: photo, cascade: $0) }
    }

    @Test("ToonIO and GrayImage give the gray image cv2.imread and cvtColor give")
    func grayMatchesOpenCV() throws {
        for photo in Self.reference.photos {
            let gray = try Self.gray(photo)
            #expect(gray.width == photo.width && gray.height == photo.height, "\(photo.name)")
            #expect(gray.pixels.reduce(0) { $0 + Int($1) } == photo.graySum, "\(photo.name): gray sum")
            #expect(CascadeReference.fnv1a(gray.pixels) == photo.grayFNV1a, "\(photo.name): gray bytes")
        }
    }

    @Test("the same boxes as detectMultiScale(1.1, 3) on each photo and cascade", arguments: cases)
    func defaultParameters(_ test: Case) throws {
        let photo = Self.reference.photos[test.photo]
        let classifier = try #require(Self.classifiers[test.cascade])
        let found = classifier.detect(in: try Self.gray(photo))
        let expected = CascadeReference.boxes(photo.boxes[test.cascade] ?? [])
        #expect(CascadeReference.sorted(found) == expected)
    }

    @Test("the same boxes with other parameters, raw candidates included", arguments: reference.variants.indices)
    func otherParameters(_ index: Int) throws {
        let variant = Self.reference.variants[index]
        let photo = try #require(Self.reference.photos.first { $0.name == variant.photo })
        let classifier = try #require(Self.classifiers[variant.cascade])
        let p = variant.parameters
        let found = classifier.detect(in: try Self.gray(photo), scaleFactor: p.scaleFactor, minNeighbors: p.minNeighbors,
                                      minSize: (p.minSize[0], p.minSize[1]), maxSize: (p.maxSize[0], p.maxSize[1]))
        #expect(CascadeReference.sorted(found) == CascadeReference.boxes(variant.boxes),
                "\(variant.photo) with \(variant.cascade), \(p)")
    }
}
