import ArgumentParser
import Faces
import Foundation
import ToonIO

struct Align: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find faces in photos and align each as FFHQ's images are aligned.",
        discussion: """
            Faces are found with dlib's MMOD CNN face detector
            (mmod_human_face_detector.dat, which scripts/fetch-models installs; without
            it, OpenCV's Haar cascade, with a warning; or --detector haar, lbp or
            cascade=FILE), located by dlib's 68 landmarks (Debian's libdlib-data, or
            --landmarks FILE) and cut out with NVLabs' FFHQ alignment. Each face is
            written as <photo-stem>_face0.png, _face1.png, ... (left to right), and the
            run's boxes, landmarks and crop squares as faces.json in the output folder.

            Exit status: 0 when every photo had a face, 2 when some had none (each named
            on stderr, the others aligned all the same), 1 when a file could not be read
            or written, 64 for a usage problem.

            Examples:
              toon align me.jpg --out aligned
              toon align photos/*.jpg --out aligned --size 256
            """
    )

    @Argument(help: ArgumentHelp("Photos (PNG or JPEG).", valueName: "photo"), completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var photos: [String]
    @Option(help: ArgumentHelp("Output folder (created if missing).", valueName: "dir"), completion: .directory) var out: String
    @OptionGroup var models: FaceModelOptions
    @Option(parsing: .unconditional, help: ArgumentHelp("Side of each aligned face (FFHQ: 1024; 256 and 512 are common).", valueName: "pixels"))
    var size: Int = 1024
    @Option(name: .customLong("transform-size"), parsing: .unconditional,
            help: ArgumentHelp("Side of the intermediate warp before the final Lanczos resize (FFHQ's recipe: 4096; smaller is faster and softer).", valueName: "pixels"))
    var transformSize: Int = 4096

    static let sizes = 16...4096

    func validate() throws {
        if photos.isEmpty { throw ValidationError("give at least one photo") }
        if !Self.sizes.contains(size) { throw ValidationError("--size must be 16 to 4096, got \(size)") }
        if !Self.sizes.contains(transformSize) { throw ValidationError("--transform-size must be 16 to 4096, got \(transformSize)") }
    }

    func run() throws {
        try reportingFailures {
            var plan = RunPlan()
            for photo in photos { try plan.read(photo) }
            // `<stem>_face<k>.png` names must not collide: two photos with one stem would overwrite each other.
            let stems = try OutputNames.uniqueStems(photos) { "\($0)_face0.png" }
            try models.register(in: &plan)
            let alignment = FFHQAlignment(outputSize: size, transformSize: transformSize)
            // The warp and the resize hold about three float copies of the warped image; the
            // model's trees about 200 MB while they are read.
            let warp = Double(alignment.transformSize) * Double(alignment.transformSize) * 12
            try plan.requireMemory(3 * warp + 200e6, for: "--transform-size \(alignment.transformSize)")
            try plan.writeFolder(out, names: ["faces.json"])
            let aligner = try models.aligner(alignment)
            let folder = try plan.createFolder(out)

            var report = AlignReport(size: alignment.outputSize, transformSize: alignment.transformSize,
                                     detector: aligner.detector.file, landmarkModel: aligner.predictor.file, photos: [])
            var faceless: [String] = []
            let progress = ProgressLine("Aligning", total: photos.count, unit: "photos")
            for (index, photo) in photos.enumerated() {
                let image = try Image.readUpright(from: URL(fileURLWithPath: photo))
                let faces = aligner.faces(in: image)
                var entry = AlignReport.Photo(photo: photo, width: image.width, height: image.height, faces: [])
                for (k, face) in faces.enumerated() {
                    let name = "\(stems[index])_face\(k).png"
                    try face.aligned.image.write(to: folder.appendingPathComponent(name))
                    entry.faces.append(AlignReport.Face(face, file: name))
                }
                report.photos.append(entry)
                if faces.isEmpty {
                    progress.clear()
                    FileHandle.standardError.write(Data("toon: \(photo): no face found\n".utf8))
                    faceless.append(photo)
                }
                progress.update(index + 1)
            }
            try AtomicFile.write(try report.encoded(), to: folder.appendingPathComponent("faces.json"))
            let count = report.photos.reduce(0) { $0 + $1.faces.count }
            progress.finish("Aligned \(count) faces from \(photos.count - faceless.count) of \(photos.count) photos to \(out)")
            if !faceless.isEmpty { throw ExitCode(2) }
        }
    }
}

/// faces.json: what `toon align` found and wrote, per photo and face.
struct AlignReport: Encodable {
    struct Face: Encodable {
        /// The aligned image's file name in the output folder.
        let file: String
        /// The detector's box: x, y, width, height.
        let box: [Int]
        /// dlib's 68 points, x and y in whole pixels.
        let landmarks: [[Int]]
        /// The crop square's corners in the photo: top-left, bottom-left, bottom-right, top-right.
        let quad: [[Double]]

        init(_ face: AlignedPhotoFace, file: String) {
            self.file = file
            box = [face.box.x, face.box.y, face.box.width, face.box.height]
            landmarks = face.landmarks.map { [Int($0.x), Int($0.y)] }
            quad = face.aligned.quad.map { [$0.x, $0.y] }
        }
    }

    struct Photo: Encodable {
        let photo: String
        let width: Int
        let height: Int
        var faces: [Face]
    }

    let size: Int
    let transformSize: Int
    let detector: String
    let landmarkModel: String
    var photos: [Photo]

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
