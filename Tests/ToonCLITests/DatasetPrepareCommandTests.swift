import Datasets
import Foundation
import Testing
import ToonIO

@Suite("toon dataset prepare", .enabled(if: Toon.available, "the toon executable is not built"))
struct DatasetPrepareCommandTests {
    /// A colourful w x h picture, different for each seed.
    func picture(_ seed: Int, width: Int = 40, height: Int = 32) -> Image {
        let samples = (0..<(3 * width * height)).map { i -> Float in
            let x = i % width, y = i / width % height, c = i / (width * height)
            return Float((x * (3 + seed) + y * (5 + c * 7) + seed * 41 + c * 90) % 256) / 255
        }
        return Image(width: width, height: height, channels: 3, samples: samples)
    }

    func write(_ bytes: [UInt8], _ name: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    @Test("prepares a folder into a zip ImageDataset opens, names each skipped file and counts drops by reason")
    func prepare() throws {
        let source = Toon.temporaryFolder(), outFolder = Toon.temporaryFolder()
        for seed in 0..<3 { try write(try picture(seed).encoded(as: .png), "set/p\(seed).png", in: source) }
        try write(try picture(9).encoded(as: .jpeg(quality: 90)), "set/q.jpg", in: source)
        try write([], "set/empty.png", in: source)
        try write(Array("hello".utf8), "notes.txt", in: source)
        let gray = Image(width: 16, height: 16, channels: 1, samples: (0..<256).map { Float($0) / 255 })
        try write(try gray.encoded(as: .png), "set/gray.png", in: source)

        let out = outFolder.appendingPathComponent("prepared.zip")
        let result = try Toon.run(["dataset", "prepare", source.path, "--out", out.path, "--resolution", "16",
                                   "--drop-grayscale", "--dedupe", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "one line per skipped file, no progress off a terminal: \(result.stderr)")
        #expect(lines.contains("\(source.path)/set/empty.png: skipped, empty file"))
        #expect(lines.contains("\(source.path)/set/gray.png: skipped, grayscale"))
        #expect(lines.contains("\(source.path)/notes.txt: skipped, not an image (neither PNG nor JPEG)"))
        #expect(result.stdout.contains("\(out.path): kept 4 of 7 files; dropped 3: 1 empty, 1 grayscale, 1 not an image"), "\(result.stdout)")
        #expect(result.stdout.contains("  grayscale: 1"))

        let archive = try ZipArchive(try FileBytes.map(out).all, source: out.path)
        #expect(archive.entries.map(\.name) == (0..<4).map { String(format: "00000/img%08d.png", $0) } + ["dataset.json"])
        let json = String(decoding: try archive.data(of: archive.entry(named: "dataset.json")!).bytes, as: UTF8.self)
        #expect(json == "{\"labels\": null}")
        let dataset = try ImageDataset(contentsOf: out)
        #expect(dataset.count == 4 && dataset.resolution == 16 && dataset.labelDimension == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outFolder.path) == ["prepared.zip"])
    }

    @Test("a zip source with a climbing entry name and labels: the entry is skipped, labels reach dataset.json")
    func zipWithLabels() throws {
        let folder = Toon.temporaryFolder()
        let zip = folder.appendingPathComponent("photos.zip")
        #expect(FileManager.default.createFile(atPath: zip.path, contents: nil))
        let handle = try FileHandle(forWritingTo: zip)
        var writer = ZipWriter(handle: handle)
        try writer.add("../evil.png", bytes: try picture(1).encoded(as: .png))
        try writer.add("b/two.png", bytes: try picture(2).encoded(as: .png))
        try writer.add("a/one.png", bytes: try picture(3).encoded(as: .png))
        try writer.add("a/unlabelled.png", bytes: try picture(4).encoded(as: .png))
        try writer.finish()
        try handle.close()
        let labels = folder.appendingPathComponent("labels.json")
        try Data(#"{"a/one.png": [1, 0], "b/two.png": [0, 1], "../evil.png": [1, 1]}"#.utf8).write(to: labels)

        let out = folder.appendingPathComponent("out/set.zip")
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        let result = try Toon.run(["dataset", "prepare", zip.path, "--out", out.path, "--resolution", "8",
                                   "--crop", "center-wide", "--labels", labels.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(zip.path)/../evil.png: skipped, unsafe name"), "\(result.stderr)")
        #expect(result.stderr.contains("\(zip.path)/a/unlabelled.png: skipped, no label"), "\(result.stderr)")
        #expect(result.stdout.contains("kept 2 of 4 files; dropped 2: 1 no label, 1 unsafe name"), "\(result.stdout)")
        let archive = try ZipArchive(try FileBytes.map(out).all, source: out.path)
        let json = String(decoding: try archive.data(of: archive.entry(named: "dataset.json")!).bytes, as: UTF8.self)
        #expect(json == #"{"labels": [["00000/img00000000.png", [1.0, 0.0]], ["00000/img00000001.png", [0.0, 1.0]]]}"#)
        let dataset = try ImageDataset(contentsOf: out)
        #expect(dataset.count == 2 && dataset.labels([0, 1])?.scalars == [1, 0, 0, 1])
        // center-wide: a black band above and below the picture.
        #expect(dataset.image(at: 0).samples[0..<8].allSatisfy { $0 == 0 })
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("evil.png").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["labels.json", "out", "photos.zip"])
    }

    @Test("usage errors exit 64; a missing source is one line naming it, exit 1", arguments: [
        (["--resolution", "48"], "power of two"),
        (["--resolution", "16", "--crop", "sideways"], "sideways"),
        (["--resolution", "16", "--dedupe", "65"], "--dedupe"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let folder = Toon.temporaryFolder()
        let result = try Toon.run(["dataset", "prepare", folder.path, "--out", folder.appendingPathComponent("x.zip").path] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("a missing source is one line naming it, exit 1")
    func missingSource() throws {
        let folder = Toon.temporaryFolder()
        let missing = folder.appendingPathComponent("nowhere")
        let result = try Toon.run(["dataset", "prepare", missing.path, "--out", folder.appendingPathComponent("x.zip").path,
                                   "--resolution", "16"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("toon: \(missing.path): ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}

/// `toon dataset prepare --crop faces` on real photos of Debian's opencv-doc, with an OpenCV
/// cascade from a file (how the anime-face cascade is used) and with waifu2x enlarging small crops.
@Suite("toon dataset prepare --crop faces", .enabled(if: Toon.available, "the toon executable is not built"))
struct DatasetFacesCommandTests {
    static let photos = ["/usr/share/doc/opencv-doc/opencv4/html/example.jpg", "/usr/share/doc/opencv-doc/opencv4/html/227943776_1.jpg",
                         "/usr/share/doc/opencv-doc/examples/data/fruits.jpg"]
    static let cascade = "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml"
    static let installed = (photos + [cascade]).allSatisfy { FileManager.default.fileExists(atPath: $0) }
    static let waifu2x = ModelsFolder.find("waifu2x/upconv7/anime_style_scale_rgb.npz", environment: ProcessInfo.processInfo.environment) != nil

    static func source() throws -> URL {
        let folder = Toon.temporaryFolder()
        for photo in photos {
            try FileManager.default.copyItem(atPath: photo, toPath: folder.appendingPathComponent(URL(fileURLWithPath: photo).lastPathComponent).path)
        }
        return folder
    }

    @Test("every face kept, the small one and the photo without a face named on stderr, counted on stdout",
          .enabled(if: installed, "opencv-doc's photos or opencv-data missing"))
    func cascadeFile() throws {
        let source = try Self.source(), out = Toon.temporaryFolder().appendingPathComponent("faces.zip")
        let result = try Toon.run(["dataset", "prepare", source.path, "--out", out.path, "--resolution", "64", "--crop", "faces",
                                   "--detector", "cascade=\(Self.cascade)", "--face-margin", "0.2", "--min-face", "150"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("\(source.path)/227943776_1.jpg face at (") && $0.hasSuffix("under --min-face 150") })
        #expect(lines.contains("\(source.path)/fruits.jpg: skipped, no face found"))
        #expect(result.stdout.hasPrefix("\(out.path): kept 3 faces from 1 of 3 files; dropped 2: 1 face too small, 1 no face\n"), "\(result.stdout)")
        let dataset = try ImageDataset(contentsOf: out)
        #expect(dataset.count == 3 && dataset.resolution == 64)
    }

    @Test("--upscale waifu2x enlarges crops under the resolution (one face of 137 px at 512)",
          .enabled(if: installed && waifu2x, "opencv-doc's photos, opencv-data or waifu2x's models missing"))
    func waifu2xCrops() throws {
        let source = try Self.source(), out = Toon.temporaryFolder().appendingPathComponent("faces.zip")
        let result = try Toon.run(["dataset", "prepare", source.path, "--out", out.path, "--resolution", "512", "--crop", "faces",
                                   "--detector", "cascade=\(Self.cascade)", "--upscale", "waifu2x=upconv7"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("\(out.path): kept 4 faces from 2 of 3 files; dropped 1: 1 no face\n"), "\(result.stdout)")
    }

    @Test("face options without --crop faces, and unknown upscalers, are usage errors",
          arguments: [["--face-margin", "0.3"], ["--min-face", "10"], ["--upscale", "waifu2x=vdsr"], ["--upscale", "bicubic"],
                      ["--upscale-noise", "1"], ["--crop", "faces", "--face-margin", "9"]])
    func usage(_ options: [String]) throws {
        let out = Toon.temporaryFolder().appendingPathComponent("x.zip")
        let result = try Toon.run(["dataset", "prepare", Toon.temporaryFolder().path, "--out", out.path, "--resolution", "64"] + options)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
