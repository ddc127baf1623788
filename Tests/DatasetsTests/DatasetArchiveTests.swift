import Foundation
import Testing
import ToonCore
import ToonIO
@testable import Datasets
import ToonTestSupport

@Suite("Dataset zip writer and reader", .computeFromEnvironment)
struct DatasetArchiveTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-datasets-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// An image whose bytes are all different and exactly representable (k / 255).
    func pattern(_ index: Int, side: Int) -> Image {
        let samples = (0..<(3 * side * side)).map { Float(($0 * 7 + index * 31) % 256) / 255 }
        return Image(width: side, height: side, channels: 3, samples: samples)
    }

    @Test("entries are named as dataset_tool.py names them, 1000 to a folder")
    func names() {
        #expect(DatasetWriter.entryName(0) == "00000/img00000000.png")
        #expect(DatasetWriter.entryName(999) == "00000/img00000999.png")
        #expect(DatasetWriter.entryName(1234) == "00001/img00001234.png")
        #expect(DatasetWriter.entryName(999_999) == "00999/img00999999.png")
    }

    @Test("writer then reader: exact pixels, labels, [-1, 1] batches and mirroring")
    func roundTrip() throws {
        let url = folder.appendingPathComponent("pattern16.zip")
        try DatasetWriter.write(to: url, count: 5, labelDimension: 2, chunk: 2) { i in
            DatasetItem(image: pattern(i, side: 16), labels: [Float(i), 0.25 - Float(i)])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["pattern16.zip"])

        let archive = try ZipArchive(try FileBytes.map(url).all, source: url.path)
        #expect(archive.entries.map(\.name) == (0..<5).map(DatasetWriter.entryName) + ["dataset.json"])
        #expect(archive.entries.allSatisfy { $0.method == 0 })
        let json = String(decoding: try archive.data(of: archive.entry(named: "dataset.json")!).bytes, as: UTF8.self)
        #expect(json.hasPrefix("{\"labels\": [[\"00000/img00000000.png\", [0.0, 0.25]], "))

        let dataset = try ImageDataset(contentsOf: url)
        #expect(dataset.name == "pattern16" && dataset.count == 5 && dataset.resolution == 16)
        #expect(dataset.channels == 3 && dataset.labelDimension == 2)
        for i in 0..<5 { #expect(dataset.image(at: i) == pattern(i, side: 16)) }
        #expect(dataset.labels([3, 0])?.scalars == [3, -2.75, 0, 0.25])
        #expect(dataset.labels([4])?.shape == [1, 2])

        let batch = dataset.batch([2, 4], mirrored: [false, true])
        #expect(batch.shape == [2, 3, 16, 16])
        let values = batch.scalars
        let two = pattern(2, side: 16).samples, four = pattern(4, side: 16).samples
        let plane = 16 * 16
        for c in 0..<3 {
            for y in 0..<16 {
                for x in 0..<16 {
                    let i = c * plane + y * 16 + x
                    #expect(values[i] == (two[i] * 255).rounded() / 127.5 - 1)
                    #expect(values[3 * plane + i] == (four[c * plane + y * 16 + 15 - x] * 255).rounded() / 127.5 - 1)
                }
            }
        }
        #expect(values.min()! >= -1 && values.max()! <= 1)
    }

    @Test("an unlabelled dataset writes {\"labels\": null} and reads back without labels")
    func unlabelled() throws {
        let url = folder.appendingPathComponent("plain.zip")
        try DatasetWriter.write(to: url, count: 3, labelDimension: nil) { DatasetItem(image: pattern($0, side: 8)) }
        let archive = try ZipArchive(try FileBytes.map(url).all, source: url.path)
        #expect(try archive.data(of: archive.entry(named: "dataset.json")!).bytes == Array("{\"labels\": null}".utf8))
        let dataset = try ImageDataset(contentsOf: url)
        #expect(dataset.labelDimension == 0 && dataset.labels([0, 1]) == nil && dataset.count == 3)
    }

    @Test("a failed write leaves nothing behind and names the image")
    func failureLeavesNothing() throws {
        let url = folder.appendingPathComponent("broken.zip")
        let error = #expect(throws: ToonIOError.self) {
            try DatasetWriter.write(to: url, count: 4, labelDimension: 2) { i in
                DatasetItem(image: pattern(i, side: 8), labels: i == 2 ? [1] : [1, 2])
            }
        }
        #expect(error?.description.contains("00000/img00000002.png") == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("a synthetic set reads back with its labels and the rendered pixels")
    func synthRoundTrip() throws {
        let url = folder.appendingPathComponent("anime32.zip")
        try SynthDataset.write(to: url, count: 3, resolution: 32, style: .anime, seed: 9)
        let dataset = try ImageDataset(contentsOf: url)
        #expect(dataset.name == "anime32" && dataset.labelDimension == FaceRenderer.labelDimension)
        for i in 0..<3 {
            let face = FaceParameters.sample(seed: 9, index: i)
            let rendered = FaceRenderer.render(face, style: .anime, resolution: 32)
            let read = dataset.image(at: i)
            #expect(zip(read.samples, rendered.samples).allSatisfy { abs($0 - $1) <= 0.5 / 255 + 1e-6 })
            #expect(dataset.labels([i])?.scalars == FaceRenderer.labels(for: face))
        }
        // Same arguments, same bytes.
        let again = folder.appendingPathComponent("again.zip")
        try SynthDataset.write(to: again, count: 3, resolution: 32, style: .anime, seed: 9)
        #expect(try Data(contentsOf: url) == Data(contentsOf: again))
    }

    @Test("a folder of images in any layout reads sorted by path; gray becomes RGB and alpha is dropped")
    func folderOfImages() throws {
        let root = folder.appendingPathComponent("faces")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("b"), withIntermediateDirectories: true)
        let gray = Image(width: 4, height: 4, channels: 1, samples: (0..<16).map { Float($0 * 16) / 255 })
        let rgba = Image(width: 4, height: 4, channels: 4, samples: (0..<64).map { Float($0 * 4) / 255 })
        try gray.write(to: root.appendingPathComponent("b/z.png"))
        try rgba.write(to: root.appendingPathComponent("a.png"))
        try Data("not an image".utf8).write(to: root.appendingPathComponent("notes.txt"))
        let dataset = try ImageDataset(contentsOf: root)
        #expect(dataset.names == ["a.png", "b/z.png"] && dataset.name == "faces" && dataset.labelDimension == 0)
        #expect(dataset.image(at: 0).samples == Array(rgba.samples[0..<48]))
        #expect(dataset.image(at: 1).samples == gray.samples + gray.samples + gray.samples)
    }

    @Test("images that do not fit are refused with a message naming the file", arguments: [
        ("mixed", "b.png", "is 8x8 but the first image"),
        ("oblong", "a.png", "is 16x8; dataset images must be square"),
        ("twelve", "a.png", "the side must be a power of two"),
    ])
    func refused(kind: String, file: String, message: String) throws {
        let root = folder.appendingPathComponent(kind)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        switch kind {
        case "mixed":
            try pattern(0, side: 16).write(to: root.appendingPathComponent("a.png"))
            try pattern(1, side: 8).write(to: root.appendingPathComponent("b.png"))
        case "oblong":
            try Image(width: 16, height: 8, channels: 3, repeating: 0.5).write(to: root.appendingPathComponent("a.png"))
        default:
            try Image(width: 12, height: 12, channels: 3, repeating: 0.5).write(to: root.appendingPathComponent("a.png"))
        }
        let error = #expect(throws: ToonIOError.self) { try ImageDataset(contentsOf: root) }
        #expect(error?.file == root.appendingPathComponent(file).path, "\(String(describing: error))")
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test("a zip whose images differ in size is refused naming the entry")
    func mixedZip() throws {
        let url = folder.appendingPathComponent("mixed.zip")
        try DatasetWriter.write(to: url, count: 3, labelDimension: nil) { i in DatasetItem(image: pattern(i, side: i == 1 ? 8 : 16)) }
        let error = #expect(throws: ToonIOError.self) { try ImageDataset(contentsOf: url) }
        #expect(error?.file == url.path + "/00000/img00000001.png", "\(String(describing: error))")
    }

    @Test("labels missing for an image, or class indices, in dataset.json")
    func labelFiles() throws {
        let root = folder.appendingPathComponent("labelled")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try pattern(0, side: 4).write(to: root.appendingPathComponent("a.png"))
        try pattern(1, side: 4).write(to: root.appendingPathComponent("b.png"))
        try Data(#"{"labels": [["a.png", 2], ["b.png", 0]]}"#.utf8).write(to: root.appendingPathComponent("dataset.json"))
        let classes = try ImageDataset(contentsOf: root)
        #expect(classes.labelDimension == 3 && classes.labels([0, 1])?.scalars == [0, 0, 1, 1, 0, 0])
        try Data(#"{"labels": [["a.png", [1.5]]]}"#.utf8).write(to: root.appendingPathComponent("dataset.json"))
        let error = #expect(throws: ToonIOError.self) { try ImageDataset(contentsOf: root) }
        #expect(error?.description.contains("no labels for b.png") == true, "\(String(describing: error))")
        #expect(error?.file == root.appendingPathComponent("dataset.json").path)
    }

    @Test("an empty folder or a missing path is an error naming it")
    func emptyOrMissing() throws {
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let error = #expect(throws: ToonIOError.self) { try ImageDataset(contentsOf: empty) }
        #expect(error?.file == empty.path && error?.description.contains("no PNG or JPEG images") == true)
        let missing = folder.appendingPathComponent("missing.zip")
        let other = #expect(throws: ToonIOError.self) { try ImageDataset(contentsOf: missing) }
        #expect(other?.file == missing.path)
    }
}

@Suite("Paired datasets: toon pairs' zip")
struct PairedDatasetTests {
    static func image(_ value: Float, side: Int = 8) -> Image {
        Image(width: side, height: side, channels: 3, samples: [Float](repeating: value, count: 3 * side * side))
    }

    @Test("written pairs read back in order, with degrees and the teacher's settings; each side is in NVLabs' layout")
    func roundTrip() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: url) }
        try PairedDataset.write(to: url, count: 5, teacher: ["seed": "3"], chunk: 2) { i in
            ImagePair(real: Self.image(Float(i) / 10), toon: Self.image(Float(i) / 10 + 0.5), degree: Float(i % 2))
        }
        let pairs = try PairedDataset(contentsOf: url)
        #expect(pairs.count == 5 && pairs.resolution == 8)
        #expect(pairs.degrees == [0, 1, 0, 1, 0])
        #expect(pairs.teacher == ["seed": "3"])
        #expect(pairs.real.names == (0..<5).map { "real/00000/img0000000\($0).png" })
        #expect(pairs.toon.names.first == "toon/00000/img00000000.png")
        #expect(pairs.real.image(at: 3) == Self.image(Float(UInt8((0.3 * 255).rounded())) / 255))
        #expect(pairs.toon.image(at: 3) == Self.image(Float(UInt8((0.8 * 255).rounded())) / 255))
    }

    @Test("a pair of two sizes, or pairs of different sizes, is refused and leaves no file")
    func mismatchedSizes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-\(UUID().uuidString).zip")
        #expect(throws: ToonIOError.self) {
            try PairedDataset.write(to: url, count: 2, teacher: [:]) { _ in ImagePair(real: Self.image(0), toon: Self.image(0, side: 16), degree: 1) }
        }
        #expect(throws: ToonIOError.self) {
            try PairedDataset.write(to: url, count: 3, teacher: [:], chunk: 1) { i in
                ImagePair(real: Self.image(0, side: i == 2 ? 16 : 8), toon: Self.image(0, side: i == 2 ? 16 : 8), degree: 1)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test("a plain dataset, or a broken index, is not a paired dataset: the error names pairs.json")
    func notPaired() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plain-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: url) }
        try DatasetWriter.write(to: url, count: 2, labelDimension: nil) { _ in DatasetItem(image: Self.image(0)) }
        do {
            _ = try PairedDataset(contentsOf: url)
            Issue.record("a plain dataset was read as paired")
        } catch {
            #expect("\(error)".contains("pairs.json") && "\(error)".contains("not a paired dataset"), "\(error)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("paired-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{\"format\": \"toonkit-pairs\", \"version\": 1, \"pairs\": [[\"a.png\", 3]]}".utf8)
            .write(to: folder.appendingPathComponent("pairs.json"))
        do {
            _ = try PairedDataset(contentsOf: folder)
            Issue.record("a broken index was read")
        } catch {
            #expect("\(error)".contains("pair 0 is not [real, toon, degree]"), "\(error)")
        }
    }
}
