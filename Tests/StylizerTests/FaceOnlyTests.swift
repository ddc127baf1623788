import Faces
import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport
@testable import Stylizer

/// A real face photo from Debian's opencv-doc, Debian's Haar cascade and libdlib-data's 68-point
/// model, as the Faces tests use them (scripts/install-deps --tests installs them).
enum FacePhoto {
    static let path = "/usr/share/doc/opencv-doc/opencv4/html/230501201_1.jpg"
    static let installed = FileManager.default.fileExists(atPath: path)
        && ShapePredictor.defaultLandmarkCandidates.contains { FileManager.default.fileExists(atPath: $0) }
        && CascadeClassifier.FrontalFace.haar.candidates.contains { FileManager.default.fileExists(atPath: $0) }
    static let missing: Comment = "opencv-doc's photos, opencv-data's cascades or libdlib-data are not installed (scripts/install-deps --tests)"

    /// The photo at half size (292x412), one face.
    static let frame: RGBFrame = {
        let image = try! Image.readUpright(from: URL(fileURLWithPath: path)).rgb()
        let half = image.resized(width: image.width / 2, height: image.height / 2)
        return try! RGBFrame(tensor: half.tensor(range: 0...1), range: 0...1)
    }()
    /// Read once: 100 MB of trees.
    static let predictor = try! ShapePredictor.defaultLandmarks()
    static let detector = FaceDetector.cascade(try! CascadeClassifier.defaultFrontalFace(.haar))
}

@Suite("Face-only stylizing", .computeFromEnvironment, .enabled(if: FacePhoto.installed, FacePhoto.missing))
final class FaceOnlyTests {
    let student = StudentModel.initial(StudentConfig(width: 4, bridgeBlocks: 1, levels: 2), seed: 5)

    func stylizer(detectEvery: Int = 1, smoothing: Double? = nil) -> FaceOnlyStylizer {
        FaceOnlyStylizer(student: student, detector: FacePhoto.detector, predictor: FacePhoto.predictor,
                         settings: .init(detectEvery: detectEvery, faceSize: 64, smoothingCutoff: smoothing))
    }

    @Test("a photo with one face: one square around the detected box; outside the square no pixel changes, inside the face most do")
    func photo() throws {
        let original = FacePhoto.frame
        var frame = original
        let squares = stylizer().stylize(&frame)
        try #require(squares.count == 1)
        let square = squares[0]
        let box = try #require(FacePhoto.detector.detect(in: Image(frame: original)).first?.box)
        #expect(abs(square.centre.x - (Double(box.x) + Double(box.width) / 2)) < Double(box.width) / 3)
        #expect(square.side > Double(box.width) && square.side < Double(box.width) * 3)
        var changedInside = 0, insideCount = 0
        for y in 0..<frame.height {
            for x in 0..<frame.width {
                let i = (y * frame.width + x) * 3
                let same = frame.pixels[i..<i + 3] == original.pixels[i..<i + 3]
                guard let (u, v) = square.unit(of: FacePoint(x: Double(x), y: Double(y))) else { continue }
                if FaceMask().weight(u: u, v: v) == 0 {
                    #expect(same, "pixel (\(x), \(y)) outside the mask changed")
                } else if FaceMask().weight(u: u, v: v) == 1 {
                    insideCount += 1
                    if !same { changedInside += 1 }
                }
            }
        }
        #expect(insideCount > 1000 && Double(changedInside) > 0.9 * Double(insideCount))
    }

    @Test("between detections the landmarks follow a face panned 2 px a frame: each square's centre moves with it within 1.5 px")
    func followsPanning() throws {
        let clip = try #require(PanningClip(photo: FacePhoto.frame, width: 260, height: 380, step: (x: 2, y: 1), frames: 7))
        let faces = stylizer(detectEvery: 4)
        var centres: [FacePoint] = []
        for t in 0..<clip.frames {
            var frame = clip.frame(t)
            let squares = faces.stylize(&frame)
            try #require(squares.count == 1, "frame \(t)")
            centres.append(squares[0].centre)
        }
        for (t, centre) in centres.enumerated() {
            // The window moves right and down, so the face moves left and up in it.
            #expect(abs(centre.x - (centres[0].x - 2 * Double(t))) < 1.5, "frame \(t): \(centre) from \(centres[0])")
            #expect(abs(centre.y - (centres[0].y - Double(t))) < 1.5, "frame \(t): \(centre) from \(centres[0])")
        }
    }

    @Test("smoothing holds a still face's square steadier than raw landmarks when the frames carry noise (corner jitter at most half)")
    func smoothingSteadies() throws {
        func jitter(_ smoothing: Double?) -> Double {
            let faces = stylizer(detectEvery: 100, smoothing: smoothing)
            var random = SplitMix64(state: 3)
            var centres: [FacePoint] = []
            for _ in 0..<8 {
                var frame = FacePhoto.frame
                for i in frame.pixels.indices {
                    frame.pixels[i] = UInt8(clamping: Int(frame.pixels[i]) + Int(random.next() % 13) - 6)
                }
                centres.append(faces.stylize(&frame)[0].centre)
            }
            let steps = zip(centres, centres.dropFirst()).map { hypot($1.x - $0.x, $1.y - $0.y) }
            return steps.reduce(0, +) / Double(steps.count)
        }
        let raw = jitter(nil), smoothed = jitter(1.5)
        #expect(raw > 0.05, "noise should move the raw landmarks (\(raw) px)")
        #expect(smoothed <= raw / 2, "smoothed \(smoothed) px against raw \(raw) px a frame")
    }
}

@Suite("Face-only video without a face", .computeFromEnvironment,
       .enabled(if: FacePhoto.installed && TestVideos.installed, FacePhoto.missing))
final class FaceOnlyVideoTests {
    let folder = stylizerTestFolder()
    deinit { try? FileManager.default.removeItem(at: folder) }

    @Test("testsrc has no face: NoFaceFound naming the input and the frames searched, and no output file")
    func noFace() throws {
        let input = folder.appendingPathComponent("pattern.mp4"), output = folder.appendingPathComponent("toon.mp4")
        try TestVideos.testsrc(input, width: 64, height: 48, seconds: 0.4)
        let student = StudentModel.initial(StudentConfig(width: 4, bridgeBlocks: 1, levels: 2), seed: 5)
        let job = VideoStylization(student: student, mode: .faceOnly(detector: FacePhoto.detector, predictor: FacePhoto.predictor,
                                                                      settings: .init(detectEvery: 3, faceSize: 64)))
        #expect(throws: NoFaceFound(file: input.path, frames: 10)) { try job.run(input: input, output: output) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["pattern.mp4"])
    }
}
