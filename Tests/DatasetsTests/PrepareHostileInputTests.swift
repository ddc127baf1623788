import Foundation
import Testing
import ToonIO
@testable import Datasets
import ToonTestSupport

@Suite("dataset prepare: hostile input", .computeFromEnvironment)
struct PrepareHostileInputTests {
    typealias Files = PrepareTestFiles

    @Test("empty, truncated, corrupt, non-image and oversized files are each skipped with their reason")
    func brokenFiles() throws {
        let source = Files.folder(), out = Files.folder().appendingPathComponent("set.zip")
        let good = Files.png(Files.picture(seed: 1))
        Files.write(good, "a/good.png", in: source)
        Files.write([], "b/empty.png", in: source)
        Files.write(Array(good.prefix(good.count / 2)), "c/truncated.png", in: source)
        var corrupt = Files.jpeg(Files.picture(seed: 2))
        for i in 200..<min(corrupt.count - 2, 400) { corrupt[i] = 0xFF }
        Files.write(corrupt, "d/corrupt.jpg", in: source)
        Files.write(Array("just some notes\n".utf8), "e/notes.png", in: source)
        Files.write(Files.claimingPNG(width: 100_000, height: 100_000), "f/huge.png", in: source)
        // Within ToonIO's decoder limits, but over the prepare budget: refused from the header too.
        Files.write(Files.claimingPNG(width: 16_385, height: 8), "g/wide.png", in: source)
        Files.write(Files.claimingPNG(width: 0, height: 8), "h/zero.png", in: source)
        // A JPEG whose frame header claims 20000 x 100: within the decoder's limits, over the budget's side.
        var wideJPEG = Files.jpeg(Files.picture(seed: 5, width: 16, height: 16))
        let frame = try #require((0..<(wideJPEG.count - 1)).first { wideJPEG[$0] == 0xFF && wideJPEG[$0 + 1] == 0xC0 })
        wideJPEG.replaceSubrange((frame + 5)..<(frame + 9), with: [0, 100, 0x4E, 0x20])
        Files.write(wideJPEG, "i/wide.jpg", in: source)
        // A named pipe: opening it for reading must not wait for a writer.
        #expect(mkfifo(source.appendingPathComponent("j-pipe.png").path, 0o600) == 0)

        var drops: [PrepareDrop] = []
        let summary = try DatasetPreparer.prepare(from: source, to: out, options: PrepareOptions(resolution: 16)) {
            drops.append($0)
        }
        #expect(summary.total == 10 && summary.kept == 1)
        #expect(drops == summary.dropped)
        let reasons = Dictionary(uniqueKeysWithValues: drops.map { ($0.name, $0.reason) })
        #expect(reasons["b/empty.png"] == .empty)
        #expect(reasons["c/truncated.png"] == .truncated)
        #expect(reasons["d/corrupt.jpg"].map { $0.key == "corrupt" || $0.key == "truncated" } == true, "\(drops)")
        #expect(reasons["e/notes.png"] == .notAnImage)
        #expect(reasons["f/huge.png"] == .tooLarge(width: 100_000, height: 100_000))
        #expect(reasons["g/wide.png"] == .tooLarge(width: 16_385, height: 8))
        #expect(reasons["h/zero.png"]?.key == "corrupt")
        #expect(reasons["i/wide.jpg"] == .tooLarge(width: 20_000, height: 100))
        #expect(reasons["j-pipe.png"] == .unreadable("not a regular file"))
        #expect(drops.first { $0.name == "f/huge.png" }?.description == "f/huge.png: skipped, image too large: 100000x100000 (over the pixel budget)")
        #expect(summary.description.hasPrefix("kept 1 of 10 files; dropped 9: "))
        #expect(try ImageDataset(contentsOf: out).count == 1)
    }

    @Test("zip entries named to climb out are skipped; nothing is written beside the output; sources unchanged")
    func hostileZip() throws {
        let root = Files.folder()
        let sourceFolder = root.appendingPathComponent("in"), outFolder = root.appendingPathComponent("out/deeper")
        try FileManager.default.createDirectory(at: sourceFolder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: true)
        let zip = sourceFolder.appendingPathComponent("photos.zip")
        let image = Files.png(Files.picture(seed: 3))
        Files.zip([("../x.png", image), ("/tmp/abs.png", image), ("ok/../../y.png", image), ("C:\\z.png", image),
                   ("dir\\..\\w.png", image), ("./dot.png", image), ("fine/good.png", image),
                   ("fine/good.png", Files.png(Files.picture(seed: 4)))], to: zip)
        let before = Files.snapshot(root)

        let out = outFolder.appendingPathComponent("set.zip")
        let summary = try DatasetPreparer.prepare(from: zip, to: out, options: PrepareOptions(resolution: 8))
        #expect(summary.kept == 1)
        #expect(summary.dropped.filter { $0.reason == .unsafeName }.count == 6)
        #expect(summary.dropped.filter { $0.reason != .unsafeName } == [PrepareDrop(name: "fine/good.png", reason: .repeatedName)])
        #expect(Set(summary.dropped.map(\.name)) == ["fine/good.png", "../x.png", "/tmp/abs.png", "ok/../../y.png", "C:\\z.png", "dir\\..\\w.png", "./dot.png"])
        // Of two entries with one name, the first is the one read.
        let kept = try ImageDataset(contentsOf: out).image(at: 0)
        let first = try Image.decode(image).resized(width: 8, height: 8)
        #expect(Swift.zip(kept.samples, first.samples).allSatisfy { abs($0 - $1) <= 0.5 / 255 + 1e-6 })
        var after = Files.snapshot(root)
        #expect(after.removeValue(forKey: "out/deeper/set.zip") != nil)
        #expect(after == before, "only the output was added")
    }

    @Test("a folder source is read, never changed, and the output may not go inside it")
    func sourcesUnchanged() throws {
        let source = Files.folder()
        for seed in 0..<3 { Files.write(Files.png(Files.picture(seed: seed, width: 40, height: 30)), "p\(seed).png", in: source) }
        let before = Files.snapshot(source)
        let out = Files.folder().appendingPathComponent("set.zip")
        try DatasetPreparer.prepare(from: source, to: out, options: PrepareOptions(resolution: 16))
        #expect(Files.snapshot(source) == before)

        #expect(throws: ToonIOError.self) {
            try DatasetPreparer.prepare(from: source, to: source.appendingPathComponent("inside.zip"), options: PrepareOptions(resolution: 16))
        }
        #expect(Files.snapshot(source) == before)

        // A zip source cannot be its own output.
        let zip = Files.folder().appendingPathComponent("src.zip")
        Files.zip([("a.png", Files.png(Files.picture(seed: 1)))], to: zip)
        let zipBytes = try Data(contentsOf: zip)
        #expect(throws: ToonIOError.self) { try DatasetPreparer.prepare(from: zip, to: zip, options: PrepareOptions(resolution: 16)) }
        #expect(try Data(contentsOf: zip) == zipBytes)
    }

    @Test("when nothing is kept, nothing is written and the error says why")
    func nothingKept() throws {
        let source = Files.folder(), outFolder = Files.folder()
        Files.write([], "empty.png", in: source)
        Files.write(Array("text".utf8), "notes.txt", in: source)
        do {
            try DatasetPreparer.prepare(from: source, to: outFolder.appendingPathComponent("set.zip"), options: PrepareOptions(resolution: 16))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("no image was kept (kept 0 of 2 files; dropped 2: 1 empty, 1 not an image)"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outFolder.path).isEmpty)
    }

    @Test("a zip with deflated entries is read")
    func deflatedZip() throws {
        let folder = Files.folder()
        let zip = folder.appendingPathComponent("src.zip")
        try Data(Files.deflatedZip).write(to: zip)
        let out = folder.appendingPathComponent("set.zip")
        let summary = try DatasetPreparer.prepare(from: zip, to: out, options: PrepareOptions(resolution: 16))
        #expect(summary.kept == 1 && summary.dropped == [PrepareDrop(name: "notes.txt", reason: .notAnImage)])
        let image = try ImageDataset(contentsOf: out).image(at: 0)
        #expect((0..<3).map { Int((image.sample(channel: $0, x: 3, y: 5) * 255).rounded()) } == [48, 80, 64])
    }

    @Test("large files are read whole after their header; a JPEG frame header past the first 64 KiB is still checked")
    func headerPastPrefix() throws {
        let source = Files.folder()
        var state: UInt32 = 12_345
        let noise = (0..<(3 * 200 * 200)).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 24) / 255
        }
        let big = Files.png(Image(width: 200, height: 200, channels: 3, samples: noise))
        #expect(big.count > PreparedImage.headerBytes)
        Files.write(big, "a_big.png", in: source)
        // Two 64 KiB APP15 segments between SOI and the frame header.
        let jpeg = Files.jpeg(Files.picture(seed: 8, width: 16, height: 16))
        let padding: [UInt8] = (0..<2).flatMap { _ in [0xFF, 0xEF, 0xFF, 0xFF] + [UInt8](repeating: 0x41, count: 65_533) }
        let padded = Array(jpeg[0..<2]) + padding + Array(jpeg[2...])
        Files.write(padded, "b_padded.jpg", in: source)
        var claiming = padded
        let frame = try #require((2..<(claiming.count - 1)).first { claiming[$0] == 0xFF && claiming[$0 + 1] == 0xC0 })
        #expect(frame > PreparedImage.headerBytes)
        claiming.replaceSubrange((frame + 5)..<(frame + 9), with: [0, 100, 0x4E, 0x20])
        Files.write(claiming, "c_claiming.jpg", in: source)

        let out = Files.folder().appendingPathComponent("set.zip")
        let summary = try DatasetPreparer.prepare(from: source, to: out, options: PrepareOptions(resolution: 16))
        #expect(summary.kept == 2)
        #expect(summary.dropped == [PrepareDrop(name: "c_claiming.jpg", reason: .tooLarge(width: 20_000, height: 100))])
    }
}
