import Foundation
import Testing
import ToonIO

/// Gwern's anime recipe with the real anime-face cascade: nagadomi's `lbpcascade_animeface.xml` on
/// anime illustrations. Neither may be committed nor downloaded at run time, so these checks run
/// where a person supplies them (docs/datasets.md, "Checking the anime cascade"):
///
///     TOONKIT_ANIMEFACE_CASCADE=lbpcascade_animeface.xml TOONKIT_ANIMEFACE_PICTURES=illustrations/ \
///         swift test --traits Studio --filter AnimeFaceCascade
///
/// The reference is OpenCV's own detectMultiScale (Tests/Fixtures/animeface/opencv_faces.py, with
/// Debian's python3-opencv): the boxes must be the same, pixel for pixel.
@Suite("the anime-face cascade on illustrations", .enabled(if: Toon.available && AnimeFaceSupply.supplied,
                                                          "TOONKIT_ANIMEFACE_CASCADE and TOONKIT_ANIMEFACE_PICTURES not given"))
struct AnimeFaceCascadeCommandTests {
    /// Pictures over 2000 px a side are left out: `toon faces` shrinks them before detecting, OpenCV does not.
    @Test("toon faces finds the boxes OpenCV finds, pixel for pixel")
    func sameBoxesAsOpenCV() throws {
        let pictures = try AnimeFaceSupply.pictures.filter { path in
            let image = try Image.readUpright(from: URL(fileURLWithPath: path))
            return max(image.width, image.height) <= 2000
        }
        let reference = try AnimeFaceSupply.openCVBoxes(pictures)
        var total = 0
        for picture in pictures {
            let result = try Toon.run(["faces", picture, "--detector", "cascade=\(AnimeFaceSupply.cascade)", "--json"])
            #expect([0, 2].contains(result.status), "\(picture): \(result.stderr)")
            let found = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let faces = found?["faces"] as? [[String: Any]] ?? []
            let boxes = faces.compactMap { $0["box"] as? [Int] }.sorted { $0.lexicographicallyPrecedes($1) }
            #expect(boxes == reference[picture], "\(picture)")
            total += boxes.count
        }
        #expect(total > 0, "no face in any picture: are these anime illustrations?")
    }

    @Test("toon dataset prepare --crop faces keeps every face OpenCV finds at --min-face and names each one it drops")
    func prepareKeepsTheFaces() throws {
        let minFace = 48
        let reference = try AnimeFaceSupply.openCVBoxes(AnimeFaceSupply.pictures)
        let kept = reference.values.reduce(0) { $0 + $1.filter { $0[2] >= minFace && $0[3] >= minFace }.count }
        let small = reference.values.reduce(0) { $0 + $1.filter { $0[2] < minFace || $0[3] < minFace }.count }
        let faceless = reference.values.filter(\.isEmpty).count
        let out = Toon.temporaryFolder().appendingPathComponent("anime.zip")
        let result = try Toon.run(["dataset", "prepare", AnimeFaceSupply.pictureFolder, "--out", out.path, "--resolution", "128", "--crop", "faces",
                                   "--detector", "cascade=\(AnimeFaceSupply.cascade)", "--face-margin", "0.5", "--min-face", "\(minFace)",
                                   "--upscale", "lanczos"])
        try #require(kept > 0, "no face of \(minFace) px or more in the pictures")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(": kept \(kept) faces from "), "\(result.stdout)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.filter { $0.hasSuffix("under --min-face \(minFace)") }.count == small, "\(result.stderr)")
        #expect(lines.filter { $0.hasSuffix(": skipped, no face found") }.count == faceless, "\(result.stderr)")
    }
}

/// The cascade and pictures a person supplied, and the OpenCV that checks them.
enum AnimeFaceSupply {
    static let environment = ProcessInfo.processInfo.environment
    static let cascade = environment["TOONKIT_ANIMEFACE_CASCADE"] ?? ""
    static let pictureFolder = environment["TOONKIT_ANIMEFACE_PICTURES"] ?? ""
    static let supplied = FileManager.default.fileExists(atPath: cascade) && !pictures.isEmpty

    /// The folder's PNG and JPEG pictures (not its subfolders'), sorted by name.
    static var pictures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pictureFolder)) ?? []
        return names.sorted().filter { ["png", "jpg", "jpeg"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            .map { pictureFolder + "/" + $0 }
    }

    /// A python3 that imports cv2: Debian's python3-opencv lives in /usr/bin/python3.
    static let python: String? = ["/usr/bin/python3", "python3"].first { interpreter in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, "-c", "import cv2"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// OpenCV's boxes for each picture.
    static func openCVBoxes(_ pictures: [String]) throws -> [String: [[Int]]] {
        let python = try #require(python, "no python3 with cv2 (apt install python3-opencv)")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/animeface/opencv_faces.py")
        let result = try Toon.run([python, script.path, cascade] + pictures, executable: URL(fileURLWithPath: "/usr/bin/env"))
        try #require(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode([String: [[Int]]].self, from: Data(result.stdout.utf8))
    }
}
