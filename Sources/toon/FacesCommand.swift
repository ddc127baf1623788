import ArgumentParser
import Faces
import Foundation
import ToonIO

struct FacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "Find the faces in photos: each face's box, confidence and 68 landmarks.",
        discussion: """
            Faces are found with dlib's MMOD CNN face detector
            (mmod_human_face_detector.dat in ToonKit's models folder; scripts/fetch-models
            puts it there; without it, the Haar cascade, with a warning) or --detector,
            and located by dlib's 68 landmarks (Debian's libdlib-data, or --landmarks
            FILE). Photos are turned upright by their EXIF orientation; photos larger than
            2000 px are shrunk for detection and the boxes mapped back.

            Prints one line per face, or with --json one JSON object per photo:
              {"photo": P, "faces": [{"box": [x, y, w, h], "confidence": c,
                                      "landmarks": [[x, y], ...]}]}
            --preview draws the boxes and points on the photo (for several photos, the
            photo's name is added: OUT_<photo-stem>.png).

            Exit status: 0 when every photo had a face, 2 when some had none (each named
            on stderr), 1 when a file could not be read or written, 64 for a usage
            problem.

            Examples:
              toon faces group.jpg --preview found.png
              toon faces photos/*.jpg --json --upsample 0
            """
    )

    @Argument(help: ArgumentHelp("Photos (PNG or JPEG).", valueName: "photo"), completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var photos: [String]
    @Flag(help: "One JSON object per photo on stdout.") var json = false
    @Option(help: ArgumentHelp("Write the photo with boxes and landmarks drawn (PNG or JPEG).", valueName: "out.png"),
            completion: .file(extensions: ["png", "jpg"]))
    var preview: String?
    @OptionGroup var models: FaceModelOptions

    func validate() throws {
        if photos.isEmpty { throw ValidationError("give at least one photo") }
    }

    /// Where the preview of photo `index` goes: --preview itself for one photo, else with the stem added.
    func previewPath(_ index: Int) -> String? {
        guard let preview else { return nil }
        if photos.count == 1 { return preview }
        let url = URL(fileURLWithPath: preview)
        let stem = URL(fileURLWithPath: photos[index]).deletingPathExtension().lastPathComponent
        return url.deletingPathExtension().path + "_" + stem + "." + url.pathExtension
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            for photo in photos { try plan.read(photo) }
            try models.register(in: &plan)
            let previews = photos.indices.compactMap(previewPath)
            if Set(previews).count != previews.count { throw UsageProblem("two photos share a name; their previews would collide") }
            for path in previews { try plan.write(path) }
            let detector = try models.faceDetector()
            let predictor = try models.landmarkPredictor()
            var faceless: [String] = []
            for (index, photo) in photos.enumerated() {
                let image = try Image.readUpright(from: URL(fileURLWithPath: photo))
                let found = detector.detect(in: image)
                let intensities = GrayImage(dlibIntensitiesOf: image)
                let faces = found.map { face in (face, predictor.landmarks(in: intensities, face: face.box)) }
                if json {
                    let report = FacesReport(photo: photo, faces: faces.map { FacesReport.Face(detection: $0.0, landmarks: $0.1) })
                    FileHandle.standardOutput.write(try report.encoded())
                } else {
                    print("\(photo): \(faces.count) \(faces.count == 1 ? "face" : "faces")")
                    for (k, (face, _)) in faces.enumerated() {
                        let b = face.box
                        print("  face \(k): x \(b.x), y \(b.y), \(b.width)x\(b.height), confidence \(String(format: "%.3f", face.confidence))")
                    }
                }
                if let path = previewPath(index) {
                    let picture = FacePreview.draw(on: image, faces: faces.map { ($0.0.box, $0.1) })
                    try picture.write(to: URL(fileURLWithPath: path))
                }
                if faces.isEmpty {
                    let hint = models.upsample == 0 ? " (small faces need --upsample 1)" : ""
                    FileHandle.standardError.write(Data("toon: \(photo): no face found\(hint)\n".utf8))
                    faceless.append(photo)
                }
            }
            if !faceless.isEmpty { throw ExitCode(2) }
        }
    }
}

/// `toon faces --json`: one photo's faces.
struct FacesReport: Encodable {
    struct Face: Encodable {
        /// x, y, width, height in the photo's pixels.
        let box: [Int]
        let confidence: Double
        /// dlib's 68 points, whole pixels.
        let landmarks: [[Int]]

        init(detection: FaceDetection, landmarks points: [FacePoint]) {
            box = [detection.box.x, detection.box.y, detection.box.width, detection.box.height]
            confidence = (detection.confidence * 1e4).rounded() / 1e4
            landmarks = points.map { [Int($0.x), Int($0.y)] }
        }
    }

    let photo: String
    let faces: [Face]

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
