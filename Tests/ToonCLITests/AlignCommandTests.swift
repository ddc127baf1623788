import Foundation
import Testing
import ToonIO
import ToonTestSupport

/// `toon align` end to end on a photo from Debian's opencv-doc, with the Haar cascade
/// (opencv-data; the CNN's own tests are in FacesCommandTests) and landmark model (libdlib-data): one PNG per face, faces.json, and a photo
/// without a face named on stderr with exit 2 while the others are still aligned.
@Suite("toon align", .enabled(if: Toon.available && AlignPackages.installed, AlignPackages.missing))
struct AlignCommandTests {
    static let messi = AlignPackages.messi

    /// A flat grey PNG: no cascade finds a face in it.
    static func flatPhoto(_ url: URL) throws -> URL {
        try Image(width: 32, height: 24, channels: 3, repeating: 0.5).write(to: url)
        return url
    }

    struct Report: Decodable {
        struct Face: Decodable { let file: String; let box: [Int]; let landmarks: [[Int]]; let quad: [[Double]] }
        struct Photo: Decodable { let photo: String; let width: Int; let height: Int; let faces: [Face] }
        let size: Int
        let transformSize: Int
        let photos: [Photo]
    }

    @Test("a face per PNG, faces.json with boxes and 68 landmarks; a photo without a face is one line and exit 2")
    func alignsAndNamesFacelessPhoto() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let flat = try Self.flatPhoto(folder.appendingPathComponent("flat.png"))
        let out = folder.appendingPathComponent("aligned")
        let result = try Toon.run(["align", Self.messi, flat.path, "--out", out.path, "--size", "64", "--transform-size", "256",
                                   "--detector", "haar"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr == "toon: \(flat.path): no face found\n")
        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: out.appendingPathComponent("faces.json")))
        #expect(report.size == 64 && report.transformSize == 256)
        try #require(report.photos.count == 2)
        #expect(report.photos[1].photo == flat.path && report.photos[1].faces.isEmpty)
        let faces = report.photos[0].faces
        // OpenCV 4.6's boxes on this photo (the cascade reference), left to right.
        #expect(faces.map(\.box) == [[227, 94, 37, 37], [246, 64, 81, 81]])
        #expect(faces.map(\.file) == ["messi5_face0.png", "messi5_face1.png"])
        for face in faces {
            #expect(face.landmarks.count == 68 && face.quad.count == 4)
            let png = try Data(contentsOf: out.appendingPathComponent(face.file))
            // IHDR width and height, big-endian at bytes 16 and 20.
            #expect(png.count > 24 && png[16..<24].elementsEqual([0, 0, 0, 64, 0, 0, 0, 64]))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["faces.json", "messi5_face0.png", "messi5_face1.png"])
    }

    @Test("--detector picks Debian's LBP cascade or any cascade file; a bad choice or file is refused",
          arguments: [
            // OpenCV 4.6's LBP frontal-face cascade finds no face in this photo either (the cascade reference).
            (["--detector", "lbp"], 2, "messi5.jpg: no face found"),
            (["--detector", "cascade=/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml"], 0, ""),
            (["--detector", "dlib"], 64, "--detector must be cnn, cnn=FILE, haar, lbp or cascade=FILE, not 'dlib'"),
            (["--detector", "cascade="], 64, "--detector must be cnn, cnn=FILE, haar, lbp or cascade=FILE"),
            (["--detector", "cnn=/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml"], 1,
             "haarcascade_frontalface_alt2.xml: byte 0: not a usable dlib MMOD detector"),
            (["--upsample", "4"], 64, "--upsample must be 0 to 3, got 4"),
            (["--detector", "cascade=/nonexistent/anime.xml"], 1, "/nonexistent/anime.xml"),
            (["--landmarks", "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml", "--detector", "haar"], 1,
             "haarcascade_frontalface_alt2.xml"),
          ])
    func detectorChoice(arguments: [String], status: Int32, message: String) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("aligned")
        let result = try Toon.run(["align", Self.messi, "--out", out.path, "--size", "32", "--transform-size", "64"] + arguments)
        #expect(result.status == status, "\(result.stderr)")
        if !message.isEmpty { #expect(result.stderr.contains(message), "\(result.stderr)") }
        if status == 0 {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("messi5_face0.png").path))
        } else {
            #expect(result.stderr.split(separator: "\n").count <= 3, "\(result.stderr)")
        }
    }

    @Test("every photo with a face: exit 0 and nothing on stderr")
    func allFaces() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("aligned")
        let result = try Toon.run(["align", Self.messi, "--out", out.path, "--size", "32", "--transform-size", "64", "--detector", "haar"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("messi5_face1.png").path))
    }

    @Test("SIGINT or SIGTERM mid-run: exit 128 + signal, no temporary file, finished faces complete",
          arguments: [SIGINT, SIGTERM])
    func interrupted(signal: Int32) throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photos = try (0..<8).map { k -> String in
            let copy = folder.appendingPathComponent("photo\(k).jpg")
            try FileManager.default.copyItem(atPath: Self.messi, toPath: copy.path)
            return copy.path
        }
        let out = folder.appendingPathComponent("aligned")
        let (process, delay) = try Toon.interrupt(["align"] + photos + ["--out", out.path, "--size", "128", "--transform-size", "512", "--detector", "haar"],
                                                  signal: signal, watching: out, maxDelay: 1_000_000, startTimeout: 120)
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal,
                "delay \(delay) µs: status \(process.terminationStatus)")
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(!left.contains { $0.contains(".partial") }, "\(left)")
        for name in left where name.hasSuffix(".png") {
            #expect(throws: Never.self, "\(name) is incomplete") { try Image.read(from: out.appendingPathComponent(name)) }
        }
    }

    @Test("a full disk: exit 1, one line naming the file, no temporary file left",
          .enabled(if: SmallDisk.canMount, "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)"))
    func fullDisk() throws {
        let disk = try SmallDisk.mount()
        defer { SmallDisk.unmount(disk) }
        let out = disk.appendingPathComponent("aligned")
        let result = try Toon.run(["align", Self.messi, "--out", out.path, "--size", "256", "--transform-size", "256", "--detector", "haar"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("toon: \(out.path)/") && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(result.stderr.lowercased().contains("space"), "\(result.stderr)")
        let left = (FileManager.default.enumerator(atPath: disk.path)?.allObjects as? [String]) ?? []
        #expect(!left.contains { $0.contains(".partial") }, "\(left)")
    }

    @Test("two photos with one stem, or a bad size, are refused before anything is made (exit 64)")
    func refusals() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a"), b = folder.appendingPathComponent("b")
        for sub in [a, b] {
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            _ = try Self.flatPhoto(sub.appendingPathComponent("me.png"))
        }
        let out = folder.appendingPathComponent("aligned")
        let twins = try Toon.run(["align", a.appendingPathComponent("me.png").path, b.appendingPathComponent("me.png").path, "--out", out.path])
        #expect(twins.status == 64)
        #expect(twins.stderr.hasPrefix("toon: ") && twins.stderr.contains("would both write me_face0.png"), "\(twins.stderr)")
        let size = try Toon.run(["align", Self.messi, "--out", out.path, "--size", "0"])
        #expect(size.status == 64 && size.stderr.contains("--size must be 16 to 4096"), "\(size.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

/// The Debian files `toon align`'s tests need.
enum AlignPackages {
    static let messi = "/usr/share/doc/opencv-doc/examples/data/messi5.jpg"
    static let installed = [messi, "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
                            "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"]
        .allSatisfy { FileManager.default.fileExists(atPath: $0) }
    static let missing: Comment = "Debian's opencv-data, libdlib-data and opencv-doc are not installed (scripts/install-deps --tests)"
}
