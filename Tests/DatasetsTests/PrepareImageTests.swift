import Foundation
import Testing
import ToonIO
@testable import Datasets
import ToonTestSupport

@Suite("dataset prepare: pixels and crops", .computeFromEnvironment)
struct PrepareImageTests {
    typealias Files = PrepareTestFiles

    /// Prepares the single file `bytes` and returns the one image written (nil if dropped) and the drops.
    func prepareOne(_ bytes: [UInt8], name: String = "one.png", resolution: Int = 8,
                    _ configure: (inout PrepareOptions) -> Void = { _ in }) throws -> (Image?, [PrepareDrop]) {
        let source = Files.folder()
        Files.write(bytes, name, in: source)
        var options = PrepareOptions(resolution: resolution)
        configure(&options)
        let out = Files.folder().appendingPathComponent("set.zip")
        var caught: [PrepareDrop] = []
        do {
            try DatasetPreparer.prepare(from: source, to: out, options: options) { caught.append($0) }
        } catch {
            guard "\(error)".contains("no image was kept") else { throw error }
            return (nil, caught)
        }
        let dataset = try ImageDataset(contentsOf: out)
        #expect(dataset.count == 1 && dataset.resolution == resolution)
        return (dataset.image(at: 0), caught)
    }

    func pixel(_ image: Image, _ x: Int, _ y: Int) -> [Int] {
        (0..<3).map { Int((image.sample(channel: $0, x: x, y: y) * 255).rounded()) }
    }

    @Test("center keeps the largest centred square")
    func centerCrop() throws {
        // 60 x 40: a red 40 x 40 square between blue bands of 10 columns.
        var samples = [Float](repeating: 0, count: 3 * 60 * 40)
        for y in 0..<40 {
            for x in 0..<60 {
                let inside = x >= 10 && x < 50
                samples[(inside ? 0 : 2) * 2400 + y * 60 + x] = 1
            }
        }
        let (image, _) = try prepareOne(Files.png(Image(width: 60, height: 40, channels: 3, samples: samples)))
        let out = try #require(image)
        for y in 0..<8 { for x in 0..<8 { #expect(pixel(out, x, y) == [255, 0, 0]) } }
    }

    @Test("center-wide: NVLabs' band, resized and centred on black; narrow images dropped")
    func centerWideCrop() throws {
        // 64 x 64 at resolution 16: the band is round(16 * 64 / 64) = 16 source rows (24...39),
        // resized to 16 x 12 and placed in rows 2...13.
        var samples = [Float](repeating: 0, count: 3 * 64 * 64)
        for y in 0..<64 {
            for x in 0..<64 { samples[(y >= 24 && y < 40 ? 1 : 2) * 4096 + y * 64 + x] = 1 }
        }
        let (image, _) = try prepareOne(Files.png(Image(width: 64, height: 64, channels: 3, samples: samples)),
                                        resolution: 16) { $0.crop = .centerWide }
        let out = try #require(image)
        #expect(PrepareCrop.wideHeight(for: 16) == 12)
        for x in 0..<16 {
            for y in [0, 1, 14, 15] { #expect(pixel(out, x, y) == [0, 0, 0], "row \(y) is padding") }
            for y in 2..<14 { #expect(pixel(out, x, y) == [0, 255, 0], "row \(y) is the band") }
        }
        let (narrow, drops) = try prepareOne(Files.png(Files.picture(seed: 1, width: 12, height: 40)), resolution: 16) {
            $0.crop = .centerWide
        }
        #expect(narrow == nil && drops.map(\.reason) == [.tooNarrowForWideCrop(width: 12, height: 40)])
        // Wide enough, but the band (round(16 * 8 / 64) = 2 rows) is shorter than 12.
        let (flatBand, flatDrops) = try prepareOne(Files.png(Files.picture(seed: 1, width: 64, height: 8)), resolution: 16) {
            $0.crop = .centerWide
        }
        #expect(flatBand == nil && flatDrops.map(\.reason) == [.tooNarrowForWideCrop(width: 64, height: 8)])
    }

    @Test("none keeps square images and drops the rest")
    func noCrop() throws {
        let (square, _) = try prepareOne(Files.png(Files.picture(seed: 4, width: 32, height: 32))) { $0.crop = .none }
        #expect(square != nil)
        let (wide, drops) = try prepareOne(Files.png(Files.picture(seed: 4, width: 33, height: 32))) { $0.crop = .none }
        #expect(wide == nil && drops.map(\.reason) == [.notSquare(width: 33, height: 32)])
        #expect(drops.first?.description == "one.png: skipped, not square: 33x32 (--crop none keeps square images only)")
    }

    @Test("16-bit, gray, gray+alpha, RGBA and palette inputs become 8-bit RGB, alpha over black")
    func pixelFormats() throws {
        // 16-bit: rounded to the nearest 8-bit code.
        let deep = Image(width: 8, height: 8, channels: 3,
                         samples: [Float](repeating: 0.5, count: 64) + [Float](repeating: 0.25, count: 64) + [Float](repeating: 1, count: 64))
        let (sixteen, _) = try prepareOne(Files.png(deep, sixteen: true))
        #expect(pixel(try #require(sixteen), 3, 3) == [128, 64, 255])

        let gray = Image(width: 8, height: 8, channels: 1, samples: [Float](repeating: 0.4, count: 64))
        #expect(pixel(try #require(try prepareOne(Files.png(gray)).0), 0, 0) == [102, 102, 102])

        // Gray+alpha and RGBA: half transparent over black halves the colour; transparent is black.
        let grayAlpha = Image(width: 8, height: 8, channels: 2,
                              samples: [Float](repeating: 0.8, count: 64) + [Float](repeating: 128.0 / 255, count: 64))
        #expect(pixel(try #require(try prepareOne(Files.png(grayAlpha)).0), 4, 4) == [102, 102, 102])
        var rgba = [Float](repeating: 0, count: 4 * 64)
        for i in 0..<64 { rgba[i] = 1; rgba[64 + i] = 1; rgba[192 + i] = i % 8 < 4 ? 0 : 1 }
        let (composited, _) = try prepareOne(Files.png(Image(width: 8, height: 8, channels: 4, samples: rgba)))
        let out = try #require(composited)
        #expect(pixel(out, 0, 0) == [0, 0, 0] && pixel(out, 7, 7) == [255, 255, 0])

        // Palette with a transparent entry, written by hand (ToonIO writes no palettes).
        let palette: [UInt8] = [200, 30, 60, 10, 220, 90]
        let rows = (0..<8).map { _ in (0..<8).map { x -> UInt8 in x < 4 ? 0 : 1 } }
        let indexed = Files.handPNG(width: 8, height: 8, colorType: 3, palette: palette, transparency: [255, 0], rows: rows)
        let decoded = try Image.decode(indexed)
        #expect(decoded.channels == 4)
        let (paletted, _) = try prepareOne(indexed)
        let p = try #require(paletted)
        #expect(pixel(p, 0, 0) == [200, 30, 60] && pixel(p, 7, 0) == [0, 0, 0])
    }

    @Test("CMYK JPEGs (Adobe inverted, plain, Adobe YCCK) are converted to RGB",
          arguments: [Files.adobeCMYK, Files.plainCMYK, Files.adobeYCCK])
    func cmykJPEG(file: [UInt8]) throws {
        let direct = try Image.decode(file)
        #expect(direct.channels == 3 && direct.width == 8)
        let left = (0..<3).map { Int((direct.sample(channel: $0, x: 1, y: 1) * 255).rounded()) }
        let right = (0..<3).map { Int((direct.sample(channel: $0, x: 6, y: 6) * 255).rounded()) }
        #expect(zip(left, [204, 41, 41]).allSatisfy { abs($0 - $1) <= 3 }, "\(left)")
        #expect(right.allSatisfy { $0 <= 3 }, "\(right)")
        let (image, drops) = try prepareOne(file, name: "cmyk.jpg")
        #expect(image != nil && drops.isEmpty)
    }
}
