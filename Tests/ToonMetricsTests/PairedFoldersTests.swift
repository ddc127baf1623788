import Foundation
import Testing
import ToonCore
import ToonIO
@testable import ToonMetrics
import ToonTestSupport

@Suite(.computeFromEnvironment) struct PairedFoldersTests {
    /// A folder of `names` as 8-bit RGB PNGs of random bytes from `seed`.
    static func folder(_ names: [String], seed: UInt32, width: Int = 16, height: Int = 12) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toon-metrics-\(UUID().uuidString)")
        var random = NumpyRandomState(seed: seed)
        for name in names {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let samples = (0..<(3 * width * height)).map { _ in Float(random.randint(0..<256)) / 255 }
            try Image(width: width, height: height, channels: 3, samples: samples).write(to: file)
        }
        return url
    }

    @Test("images pair by relative path (hidden files and other files ignored); the summary is the mean, min and max over the pairs")
    func pairsByName() throws {
        let names = ["a.png", "b.png", "sub/c.png"]
        let real = try Self.folder(names, seed: 1), fake = try Self.folder(names, seed: 2)
        try Data("not an image".utf8).write(to: real.appendingPathComponent("notes.txt"))
        let hidden = try Self.folder([".cache/d.png", ".e.png"], seed: 3)
        try FileManager.default.moveItem(at: hidden.appendingPathComponent(".cache"), to: real.appendingPathComponent(".cache"))
        try FileManager.default.moveItem(at: hidden.appendingPathComponent(".e.png"), to: real.appendingPathComponent(".e.png"))
        let pairs = try PairedFolders(real: real, fake: fake)
        #expect(pairs.names == names)
        let values = try pairs.values(of: .mse)
        for (name, value) in zip(names, values) {
            let a = ImagePlanes(rgb8: try Image.read(from: real.appendingPathComponent(name)))
            let b = ImagePlanes(rgb8: try Image.read(from: fake.appendingPathComponent(name)))
            #expect(value == PixelError.meanSquared(a, b))
        }
        let summary = try pairs.summary(of: .mse)
        #expect(summary.count == 3 && summary.min == values.min() && summary.max == values.max())
        #expect(abs(summary.mean - values.reduce(0, +) / 3) < 1e-9)
        #expect(try PairedFolders(real: real, fake: real).summary(of: .ssim(.skimage)).mean == 1)
        #expect(try PairedFolders(real: real, fake: real).summary(of: .psnr).json
                == "{\"metric\": \"psnr\", \"mean\": \"inf\", \"min\": \"inf\", \"max\": \"inf\", \"count\": 3}")
    }

    @Test("a file without a partner is named, from either side")
    func missingPartner() throws {
        let real = try Self.folder(["a.png", "b.png"], seed: 1), fake = try Self.folder(["a.png"], seed: 2)
        let error = #expect(throws: MetricsError.self) { try PairedFolders(real: real, fake: fake) }
        #expect(error?.file == fake.appendingPathComponent("b.png").path)
        #expect(error?.description.contains(real.appendingPathComponent("b.png").path) == true)
        let reversed = #expect(throws: MetricsError.self) { try PairedFolders(real: fake, fake: real) }
        #expect(reversed?.file == fake.appendingPathComponent("b.png").path)
    }

    @Test("sizes that differ, and images smaller than SSIM's window, are named")
    func sizes() throws {
        let real = try Self.folder(["a.png"], seed: 1), fake = try Self.folder(["a.png"], seed: 2, width: 12)
        let error = #expect(throws: MetricsError.self) { try PairedFolders(real: real, fake: fake).values(of: .psnr) }
        #expect(error?.problem == .sizeMismatch(width: 12, height: 12, partner: real.appendingPathComponent("a.png").path,
                                                partnerWidth: 16, partnerHeight: 12))
        let small = try Self.folder(["a.png"], seed: 1, width: 10, height: 10)
        #expect(throws: MetricsError(file: small.appendingPathComponent("a.png").path, .tooSmall(width: 10, height: 10, window: 11))) {
            try PairedFolders(real: small, fake: small).values(of: .ssim(.wang))
        }
        #expect(try PairedFolders(real: small, fake: small).values(of: .ssim(.skimage)) == [1])
    }

    @Test("read back from PNG files, the reference pairs still give scikit-image's values")
    func filesMatchSkimage() throws {
        let reference = ImageSimilarityTests.reference
        let folders = (real: Self.emptyFolder(), fake: Self.emptyFolder())
        for (i, pair) in reference.pairs.enumerated() {
            for (folder, name) in [(folders.real, pair.a), (folders.fake, pair.b)] {
                let planes = reference.planes(name)
                try Image(width: planes.width, height: planes.height, channels: 3, samples: planes.values.map { Float($0) / 255 })
                    .write(to: folder.appendingPathComponent("pair\(i).png"))
            }
        }
        let pairs = try PairedFolders(real: folders.real, fake: folders.fake)
        for (metric, expected) in [(PairMetric.mse, reference.pairs.map(\.mse)), (.psnr, reference.pairs.map(\.psnr)),
                                   (.ssim(.skimage), reference.pairs.map(\.ssim)), (.ssim(.wang), reference.pairs.map(\.ssim_gaussian))] {
            let values = try pairs.values(of: metric)
            for (value, wanted) in zip(values, expected) {
                #expect(ImageSimilarityTests.close(value, wanted), "\(metric.name): \(value) vs \(wanted)")
            }
        }
    }

    static func emptyFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toon-metrics-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("gray images are compared as RGB with three equal channels")
    func grayAsRGB() {
        let gray = Image(width: 2, height: 1, channels: 1, samples: [0, 1])
        #expect(ImagePlanes(rgb8: gray).values == [0, 255, 0, 255, 0, 255])
        let rgba = Image(width: 1, height: 1, channels: 4, samples: [1, 0.5, 0, 1])
        #expect(ImagePlanes(rgb8: rgba).values == [255, 128, 0])
    }
}
