import Foundation
import Testing
import ToonIO
@testable import Datasets
import ToonTestSupport

@Suite("dataset prepare: filters, duplicates, labels, order", .computeFromEnvironment)
struct PrepareFilterTests {
    typealias Files = PrepareTestFiles

    /// Gray stored as RGB: every channel equal (then JPEG-compressed, which adds a little chroma noise).
    func grayAsRGB(seed: Int) -> Image {
        let picture = Files.picture(seed: seed)
        let plane = 48 * 48
        let luma = (0..<plane).map { picture.samples[$0] * 0.3 + picture.samples[plane + $0] * 0.6 + picture.samples[2 * plane + $0] * 0.1 }
        return Image(width: 48, height: 48, channels: 3, samples: luma + luma + luma)
    }

    @Test("grayscale (gray files and gray stored as RGB), flat and undersized images are dropped when asked")
    func filters() throws {
        let source = Files.folder()
        Files.write(Files.png(Files.picture(seed: 1)), "colour.png", in: source)
        Files.write(Files.jpeg(Files.picture(seed: 2)), "colour.jpg", in: source)
        Files.write(Files.png(Image(width: 48, height: 48, channels: 1, samples: grayAsRGB(seed: 3).samples.prefix(48 * 48).map { $0 })), "gray.png", in: source)
        Files.write(Files.jpeg(grayAsRGB(seed: 4)), "grayrgb.jpg", in: source)
        Files.write(Files.png(Files.solid([0.2, 0.6, 0.9])), "flat.png", in: source)
        Files.write(Files.jpeg(Files.solid([0.9, 0.1, 0.1])), "flat.jpg", in: source)
        Files.write(Files.png(Files.picture(seed: 5, width: 12, height: 40)), "small.png", in: source)

        var options = PrepareOptions(resolution: 16)
        let out = Files.folder().appendingPathComponent("all.zip")
        #expect(try DatasetPreparer.prepare(from: source, to: out, options: options).kept == 7, "nothing dropped unless asked")

        options.dropGrayscale = true
        options.dropFlat = true
        options.minimumSize = 16
        let summary = try DatasetPreparer.prepare(from: source, to: out, options: options)
        let reasons = Dictionary(uniqueKeysWithValues: summary.dropped.map { ($0.name, $0.reason) })
        #expect(reasons == ["gray.png": .grayscale, "grayrgb.jpg": .grayscale, "flat.png": .flat, "flat.jpg": .flat,
                            "small.png": .tooSmall(width: 12, height: 40, minimum: 16)])
        #expect(summary.kept == 2)
        #expect(summary.droppedByReason.map { "\($0.count) \($0.reason)" } == ["2 flat", "2 grayscale", "1 too small"])
    }

    @Test("a slightly altered copy is a near-duplicate of the earlier image, named in the message")
    func dedupe() throws {
        let source = Files.folder()
        let original = Files.picture(seed: 7, width: 64, height: 64)
        // The copy: brighter, recompressed as JPEG, a few pixels changed.
        var samples = original.samples.map { min(1, $0 + 6 / 255) }
        for i in stride(from: 0, to: samples.count, by: 97) { samples[i] = 1 - samples[i] }
        let copy = Image(width: 64, height: 64, channels: 3, samples: samples)
        Files.write(Files.png(original), "a_original.png", in: source)
        Files.write(Files.jpeg(copy), "b_copy.jpg", in: source)
        for seed in 10..<14 { Files.write(Files.png(Files.picture(seed: seed, width: 64, height: 64)), "c\(seed).png", in: source) }

        let hashA = PerceptualHash(original), hashB = PerceptualHash(copy)
        #expect(hashA.distance(to: hashB) <= 6, "\(hashA) \(hashB)")
        for seed in 10..<14 {
            #expect(PerceptualHash(Files.picture(seed: seed, width: 64, height: 64)).distance(to: hashA) > 12)
        }

        var options = PrepareOptions(resolution: 32)
        options.dedupeDistance = 8
        let out = Files.folder().appendingPathComponent("set.zip")
        var messages: [String] = []
        let summary = try DatasetPreparer.prepare(from: source, to: out, options: options) { messages.append($0.description) }
        #expect(summary.kept == 5)
        #expect(summary.dropped.count == 1)
        guard case .duplicate(let of, let distance) = summary.dropped.first?.reason else {
            Issue.record("expected a duplicate")
            return
        }
        #expect(of == "a_original.png" && distance <= 8)
        #expect(messages == ["b_copy.jpg: skipped, near-duplicate of a_original.png (hash distance \(distance))"])

        options.dedupeDistance = nil
        #expect(try DatasetPreparer.prepare(from: source, to: out, options: options).kept == 6)
    }

    @Test("labels by source path go into dataset.json in NVLabs' form; unlabelled images are dropped")
    func labels() throws {
        let source = Files.folder()
        for (i, name) in ["cats/b.png", "cats/a.png", "dogs/c.jpg", "dogs/d.png"].enumerated() {
            Files.write(name.hasSuffix("jpg") ? Files.jpeg(Files.picture(seed: i)) : Files.png(Files.picture(seed: i)), name, in: source)
        }
        let labelsFile = Files.folder().appendingPathComponent("labels.json")
        try Data(#"{"cats/a.png": 0, "cats/b.png": 0, "dogs/c.jpg": 2}"#.utf8).write(to: labelsFile)
        var options = PrepareOptions(resolution: 8)
        options.labels = try PrepareLabels(contentsOf: labelsFile)
        let out = Files.folder().appendingPathComponent("set.zip")
        let summary = try DatasetPreparer.prepare(from: source, to: out, options: options)
        #expect(summary.dropped == [PrepareDrop(name: "dogs/d.png", reason: .noLabel)])

        let archive = try ZipArchive(try FileBytes.map(out).all, source: out.path)
        let json = String(decoding: try archive.data(of: archive.entry(named: "dataset.json")!).bytes, as: UTF8.self)
        #expect(json == #"{"labels": [["00000/img00000000.png", 0], ["00000/img00000001.png", 0], ["00000/img00000002.png", 2]]}"#)
        let dataset = try ImageDataset(contentsOf: out)
        #expect(dataset.labelDimension == 3 && dataset.labels([2])?.scalars == [0, 0, 1])

        // Sorted source order: cats/a.png first.
        let first = try DatasetPreparer.prepare(from: source.appendingPathComponent("cats"), to: out, options: PrepareOptions(resolution: 8))
        #expect(first.kept == 2)
        let expected = try Image.decode(Files.png(Files.picture(seed: 1))).resized(width: 8, height: 8)
        let got = try ImageDataset(contentsOf: out).image(at: 0)
        #expect(zip(got.samples, expected.samples).allSatisfy { abs($0 - $1) <= 0.5 / 255 + 1e-6 })

        // Vectors in NVLabs' own form.
        // Relative to the source folder given, here cats/.
        try Data(#"{"labels": [["a.png", [0.5, 1]], ["./b.png", [1.5, -2]]]}"#.utf8).write(to: labelsFile)
        options.labels = try PrepareLabels(contentsOf: labelsFile)
        try DatasetPreparer.prepare(from: source.appendingPathComponent("cats"), to: out, options: options)
        #expect(try ImageDataset(contentsOf: out).labels([0, 1])?.scalars == [0.5, 1, 1.5, -2])

        for bad in [#"{"a.png": 1, "b.png": [1.0]}"#, #"{"a.png": [1], "b.png": [1.0, 2]}"#, #"{"a.png": -1}"#,
                    #"{"a.png": 1.5}"#, #"{"labels": null}"#, #"[1, 2]"#, #"{"a.png": "cat"}"#] {
            try Data(bad.utf8).write(to: labelsFile)
            #expect(throws: ToonIOError.self, "\(bad)") { try PrepareLabels(contentsOf: labelsFile) }
        }
    }

    @Test("the same source gives the same bytes")
    func deterministic() throws {
        let source = Files.folder()
        for seed in 0..<6 { Files.write(Files.png(Files.picture(seed: seed, width: 40 + seed, height: 36)), "img\(5 - seed).png", in: source) }
        let one = Files.folder().appendingPathComponent("one.zip"), two = Files.folder().appendingPathComponent("two.zip")
        try DatasetPreparer.prepare(from: source, to: one, options: PrepareOptions(resolution: 16))
        try DatasetPreparer.prepare(from: source, to: two, options: PrepareOptions(resolution: 16))
        #expect(try Data(contentsOf: one) == Data(contentsOf: two))
        #expect(try ImageDataset(contentsOf: one).count == 6)
    }
}
