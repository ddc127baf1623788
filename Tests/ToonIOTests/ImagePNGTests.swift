import Foundation
import Testing
import ToonTestSupport
@testable import ToonIO

@Suite("Image PNG reading and writing", .computeFromEnvironment)
struct ImagePNGTests {
    let folder = imageTestFolder()

    @Test("8-bit PNG round trips gray, gray+alpha, RGB and RGBA exactly", arguments: [1, 2, 3, 4])
    func roundTripExact(channels: Int) throws {
        let image = imageWithRandomCodes(width: 17, height: 9, channels: channels, seed: UInt64(channels))
        let url = folder.appendingPathComponent("round\(channels).png")
        try image.write(to: url)
        let back = try Image.read(from: url)
        #expect(back == image)
        #expect(back.bitDepth == 8)
    }

    @Test("16-bit PNG written by hand reads as v / 65535 with bit depth 16")
    func sixteenBitRead() throws {
        let values: [UInt16] = [0, 1, 257, 12_345, 32_768, 65_534, 65_535, 40_000]
        // 2x2 gray+alpha pixels, two big-endian bytes per sample, each row led by filter byte 0.
        var rows: [UInt8] = []
        for y in 0..<2 {
            rows.append(0)
            for i in 0..<4 { let v = values[y * 4 + i]; rows += [UInt8(v >> 8), UInt8(v & 0xFF)] }
        }
        let png = ImageTestPNG.file(width: 2, height: 2, bitDepth: 16, colorType: 4, filteredRows: rows)
        let image = try Image.decode(png)
        #expect(image.bitDepth == 16)
        #expect(image.channels == 2)
        for y in 0..<2 {
            for x in 0..<2 {
                #expect(image.sample(channel: 0, x: x, y: y) == Float(values[y * 4 + x * 2]) / 65535)
                #expect(image.sample(channel: 1, x: x, y: y) == Float(values[y * 4 + x * 2 + 1]) / 65535)
            }
        }
    }

    @Test("16-bit PNG round trips exactly and a .png name keeps 16 bits")
    func sixteenBitRoundTrip() throws {
        var random = TestRandom(seed: 16)
        let samples = (0..<(3 * 5 * 7)).map { _ in Float(UInt16(truncatingIfNeeded: random.next())) / 65535 }
        let image = Image(width: 7, height: 5, channels: 3, samples: samples, bitDepth: 16)
        let url = folder.appendingPathComponent("deep.png")
        try image.write(to: url)
        let back = try Image.read(from: url)
        #expect(back == image)
    }

    @Test("palette PNG with tRNS expands to RGBA")
    func paletteWithTransparency() throws {
        let palette = ImageTestPNG.chunk("PLTE", [255, 0, 0, 0, 255, 0, 0, 0, 255])
        let transparency = ImageTestPNG.chunk("tRNS", [255, 128])   // third entry stays opaque
        // 3x1, 8-bit indices 0, 1, 2.
        let png = ImageTestPNG.file(width: 3, height: 1, bitDepth: 8, colorType: 3,
                                    extraChunks: [palette, transparency], filteredRows: [0, 0, 1, 2])
        let image = try Image.decode(png)
        #expect(image.channels == 4)
        #expect(image.samples == [1, 0, 0,  0, 1, 0,  0, 0, 1,  1, Float(128) / 255, 1])
    }

    @Test("1-bit gray PNG expands to 0 and 1")
    func oneBitGray() throws {
        let png = ImageTestPNG.file(width: 8, height: 1, bitDepth: 1, colorType: 0, filteredRows: [0, 0b1010_0001])
        let image = try Image.decode(png)
        #expect(image.channels == 1)
        #expect(image.bitDepth == 8)
        #expect(image.samples == [1, 0, 1, 0, 0, 0, 0, 1])
    }

    @Test("Adam7-interlaced PNG is de-interlaced")
    func interlaced() throws {
        // A 2x2 gray image has three non-empty Adam7 passes: (0,0); then (1,0); then row 1.
        let png = ImageTestPNG.file(width: 2, height: 2, bitDepth: 8, colorType: 0, interlace: 1,
                                    filteredRows: [0, 10, 0, 20, 0, 30, 40])
        let image = try Image.decode(png)
        #expect(image.samples == [10, 20, 30, 40].map { Float($0) / 255 })
    }

    @Test("the format comes from the magic bytes, not the extension")
    func magicBytesWin() throws {
        let image = imageWithRandomCodes(width: 4, height: 3, channels: 3, seed: 9)
        let url = folder.appendingPathComponent("really-a-png.jpg")
        try image.write(to: url, format: .png)
        #expect(try Image.read(from: url) == image)
    }

    @Test("an extension that names no format is an error naming the file")
    func unknownExtension() {
        let url = folder.appendingPathComponent("picture.tiff")
        #expect(throws: ToonIOError(file: url.path, .image(.unknownExtension("tiff")))) {
            try Image(width: 1, height: 1, channels: 1, repeating: 0).write(to: url)
        }
    }
}
