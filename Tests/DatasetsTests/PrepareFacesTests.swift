import Faces
import Foundation
import Testing
import ToonIO
@testable import Datasets
import ToonTestSupport

/// `--crop faces` on real photos (Debian's opencv-doc, which scripts/install-deps --tests installs):
/// every face kept as a square crop, faces under the minimum and photos without a face named with
/// their reason. One detector is dlib's CNN (scripts/fetch-models), the other an OpenCV LBP cascade
/// read from a file, the way an anime-face cascade is used.
@Suite("dataset prepare: face crops", .computeFromEnvironment)
struct PrepareFacesTests {
    static let photos = ["/usr/share/doc/opencv-doc/opencv4/html/example.jpg",       // three large faces
                         "/usr/share/doc/opencv-doc/opencv4/html/227943776_1.jpg",   // one face, 137 px
                         "/usr/share/doc/opencv-doc/opencv4/html/2.jpg",             // a grid of 16 small faces
                         "/usr/share/doc/opencv-doc/examples/data/fruits.jpg"]       // no face
    static let cascade = "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml"
    static let photosInstalled = photos.allSatisfy { FileManager.default.fileExists(atPath: $0) }
    static let cnnModel = CNNFaceDetector.defaultModelCandidates(environment: ProcessInfo.processInfo.environment)
        .first { FileManager.default.fileExists(atPath: $0) }

    /// A folder with a copy of each photo.
    static func source() -> URL {
        let folder = PrepareTestFiles.folder()
        for photo in photos {
            try! FileManager.default.copyItem(atPath: photo, toPath: folder.appendingPathComponent(URL(fileURLWithPath: photo).lastPathComponent).path)
        }
        return folder
    }

    @Test("the face region: grown by the margin, clipped at the top-left, cut square from there")
    func region() {
        // Inside: 100x80 at (200, 100), margin 0.25: 25 px each side across, 20 above and below.
        #expect(PrepareFaces.region(around: FaceBox(x: 200, y: 100, width: 100, height: 80), margin: 0.25, width: 1000, height: 1000)
                == FaceBox(x: 175, y: 80, width: 120, height: 120))
        // At the top-left corner the far sides stay as wide as the grown box (face_collector.rb adds
        // the grown width to the clipped corner), then the square takes the shorter side.
        #expect(PrepareFaces.region(around: FaceBox(x: -5, y: 4, width: 81, height: 80), margin: 0.2, width: 730, height: 276)
                == FaceBox(x: 0, y: 0, width: 112, height: 112))
        // At the bottom-right edge the square shrinks to what the picture holds.
        #expect(PrepareFaces.region(around: FaceBox(x: 636, y: 180, width: 80, height: 80), margin: 0.5, width: 730, height: 276)
                == FaceBox(x: 596, y: 140, width: 134, height: 134))
        #expect(PrepareFaces.region(around: FaceBox(x: 10, y: 10, width: 50, height: 50), margin: 0, width: 100, height: 100)
                == FaceBox(x: 10, y: 10, width: 50, height: 50))
    }

    @Test("dlib's CNN: every face of the photos kept, faces under --min-face and the photo without one named",
          .enabled(if: photosInstalled && cnnModel != nil, "opencv-doc's photos or mmod_human_face_detector.dat (scripts/fetch-models) missing"))
    func cnn() throws {
        let detector = try CNNFaceDetector.load(from: URL(fileURLWithPath: Self.cnnModel!))
        var options = PrepareOptions(resolution: 32, crop: .faces)
        options.faces = PrepareFaces(detector: .cnn(detector, upsample: 0), margin: 0.1, minimumSide: 100)
        let out = PrepareTestFiles.folder().appendingPathComponent("faces.zip")
        let summary = try DatasetPreparer.prepare(from: Self.source(), to: out, options: options)
        #expect(summary.description == "kept 4 faces from 2 of 4 files; dropped 17: 16 face too small, 1 no face")
        #expect(summary.dropped.filter { $0.name == "2.jpg" }.allSatisfy { drop in
            guard case .faceTooSmall(let width, let height, 100) = drop.reason, let face = drop.face else { return false }
            return (80...96).contains(width) && (80...96).contains(height) && face.width == width
        })
        #expect(summary.dropped.last == PrepareDrop(name: "fruits.jpg", reason: .noFace))
        #expect(summary.dropped.first?.description.hasPrefix("2.jpg face at (") == true)
        let dataset = try ImageDataset(contentsOf: out)
        #expect(dataset.count == 4 && dataset.resolution == 32)
    }

    @Test("an LBP cascade from a file: faces kept and named as with the CNN; --upscale none drops crops under the resolution",
          .enabled(if: photosInstalled && FileManager.default.fileExists(atPath: cascade), "opencv-doc's photos or opencv-data missing"))
    func cascadeFile() throws {
        let cascade = try CascadeClassifier.load(from: URL(fileURLWithPath: Self.cascade))
        var options = PrepareOptions(resolution: 32, crop: .faces)
        options.faces = PrepareFaces(detector: .cascade(cascade), margin: 0.1, minimumSide: 90)
        let source = Self.source(), out = PrepareTestFiles.folder().appendingPathComponent("faces.zip")
        let summary = try DatasetPreparer.prepare(from: source, to: out, options: options)
        #expect(summary.description == "kept 4 faces from 2 of 4 files; dropped 15: 14 face too small, 1 no face")

        // At 256 px only example.jpg's three faces (crops of about 400 px) fill the square unaided.
        options.resolution = 256
        options.upscale = .none
        let strict = try DatasetPreparer.prepare(from: source, to: out, options: options)
        #expect(strict.kept == 3)
        #expect(strict.dropped.contains { $0.name == "227943776_1.jpg" && $0.reason.key == "smaller than the resolution" })
        #expect(strict.droppedByReason.map(\.reason) == ["face too small", "no face", "smaller than the resolution"])
    }

    @Test("--crop faces without a detector is refused before anything is read")
    func needsDetector() {
        let out = PrepareTestFiles.folder().appendingPathComponent("faces.zip")
        #expect(throws: ToonIOError(url: out, .dataset(.badRequest("cropping faces needs a face detector")))) {
            try DatasetPreparer.prepare(from: PrepareTestFiles.folder(), to: out, options: PrepareOptions(resolution: 32, crop: .faces))
        }
    }
}
