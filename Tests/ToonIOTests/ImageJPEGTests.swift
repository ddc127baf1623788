import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

@Suite("Image JPEG reading and writing", .computeFromEnvironment)
struct ImageJPEGTests {
    let folder = imageTestFolder()

    private func errors(_ a: Image, _ b: Image) -> (max: Float, mean: Float) {
        let differences = zip(a.samples, b.samples).map { abs($0 - $1) }
        return (differences.max() ?? 0, differences.reduce(0, +) / Float(differences.count))
    }

    // Tolerance: JPEG is lossy (DCT quantisation, 4:2:0 chroma, YCbCr rounding). With libjpeg-turbo
    // 2.1 this picture measured mean 0.70/255 and max 3.45/255 (RGB), mean 0.48/255 and max 2.75/255
    // (gray). The bounds leave about 2x for other libjpeg builds and SIMD paths; a swapped channel,
    // a wrong colour conversion or an off-by-one row misses them by far.
    @Test("RGB JPEG at quality 95 round trips within mean 1.5/255 and max 6/255")
    func rgbRoundTrip() throws {
        let image = imageSmooth(width: 48, height: 40, channels: 3)
        let url = folder.appendingPathComponent("smooth.jpg")
        try image.write(to: url)
        let back = try Image.read(from: url)
        #expect(back.width == 48 && back.height == 40 && back.channels == 3 && back.bitDepth == 8)
        let error = errors(image, back)
        #expect(error.mean <= 1.5 / 255)
        #expect(error.max <= 6 / 255)
    }

    @Test("gray JPEG stays one channel and round trips within mean 1/255 and max 5/255")
    func grayRoundTrip() throws {
        let image = imageSmooth(width: 33, height: 21, channels: 1)
        let back = try Image.decode(try image.encoded(as: .jpeg(quality: 95)))
        #expect(back.channels == 1)
        let error = errors(image, back)
        #expect(error.mean <= 1 / 255)
        #expect(error.max <= 5 / 255)
    }

    @Test("lower quality gives a smaller file")
    func qualityMatters() throws {
        let image = imageWithRandomCodes(width: 32, height: 32, channels: 3, seed: 3)
        #expect(try image.encoded(as: .jpeg(quality: 30)).count < image.encoded(as: .jpeg(quality: 95)).count)
    }

    @Test("alpha and out-of-range quality are refused with a reason")
    func refusals() {
        let rgba = Image(width: 2, height: 2, channels: 4, repeating: 1)
        let alpha = #expect(throws: ToonIOError.self) { try rgba.encoded(as: .jpeg()) }
        let quality = #expect(throws: ToonIOError.self) { try rgba.droppingAlpha().encoded(as: .jpeg(quality: 0)) }
        #expect(alpha?.imageProblem != nil && quality?.imageProblem != nil)
        #expect(throws: Never.self) { try rgba.droppingAlpha().encoded(as: .jpeg()) }
    }

    @Test(".jpeg and .JPG names write JPEG")
    func extensionChoosesJPEG() throws {
        for name in ["a.jpeg", "b.JPG"] {
            let url = folder.appendingPathComponent(name)
            try Image(width: 3, height: 3, channels: 3, repeating: 0.5).write(to: url)
            let bytes = [UInt8](try Data(contentsOf: url))
            #expect(Array(bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])
        }
    }
}
