import Testing
@testable import ToonIO
import ToonTestSupport

@Suite("Image resize", .computeFromEnvironment)
struct ImageResizeTests {
    static func filter(named name: String) -> ResizeFilter {
        switch name {
        case "lanczos3": .lanczos3
        case "bicubic": .bicubic
        default: .area
        }
    }

    static func crop(width: Int, height: Int) -> [Float] {
        let full = ImageResizeReferenceData.input, fullWidth = ImageResizeReferenceData.inputWidth
        return (0..<height).flatMap { y in full[(y * fullWidth)..<(y * fullWidth + width)] }
    }

    // Tolerance 1e-6 on values of about 0...1: Pillow's 'F' mode uses double weights and double
    // sums, we use float weights and float sums (at most 19 taps here); the measured worst gap is
    // 1.8e-7, a few float ulps. A wrong support, window or normalisation shows up at 1e-3 or more.
    @Test("matches Pillow on float images", arguments: ImageResizeReferenceData.cases)
    func matchesPillow(reference: ImageResizeReferenceData.Case) {
        let input = Self.crop(width: reference.inputWidth, height: reference.inputHeight)
        let output = Resample.planar(input, channels: 1, width: reference.inputWidth, height: reference.inputHeight,
                                     outputWidth: reference.width, outputHeight: reference.height,
                                     filter: Self.filter(named: reference.filter))
        let worst = zip(output, reference.expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(output.count == reference.expected.count)
        #expect(worst <= 1e-6, "worst difference \(worst)")
    }

    @Test("a constant image stays constant under every filter and size",
          arguments: ResizeFilter.allCases, [(7, 5), (31, 17), (3, 40), (1, 1)])
    func constantStaysConstant(filter: ResizeFilter, size: (Int, Int)) {
        let image = Image(width: 19, height: 13, channels: 3, repeating: 0.37)
        let resized = image.resized(width: size.0, height: size.1, filter: filter)
        #expect(resized.samples.allSatisfy { abs($0 - 0.37) <= 1e-6 })
    }

    @Test("area 2x downscale is the mean of each 2x2 block")
    func areaHalvesByBlockMeans() {
        let image = imageWithRandomCodes(width: 8, height: 6, channels: 2, seed: 4)
        let half = image.resized(width: 4, height: 3, filter: .area)
        for c in 0..<2 {
            for y in 0..<3 {
                for x in 0..<4 {
                    let block = [(0, 0), (1, 0), (0, 1), (1, 1)].map {
                        image.sample(channel: c, x: 2 * x + $0.0, y: 2 * y + $0.1)
                    }
                    // Gray+alpha resizes colour premultiplied; the mean is of alpha-weighted colour.
                    let alpha = [(0, 0), (1, 0), (0, 1), (1, 1)].map { image.sample(channel: 1, x: 2 * x + $0.0, y: 2 * y + $0.1) }
                    let meanAlpha = alpha.reduce(0, +) / 4
                    let expected = c == 1 ? meanAlpha : zip(block, alpha).map(*).reduce(0, +) / 4 / meanAlpha
                    #expect(abs(half.sample(channel: c, x: x, y: y) - expected) <= 1e-5)
                }
            }
        }
    }

    @Test("area at a non-integer factor averages partly covered pixels by their covered fraction")
    func areaFractionalCoverage() {
        // 3 -> 2: output 0 covers input 0 fully and half of input 1.
        let output = Resample.planar([0, 3, 6], channels: 1, width: 3, height: 1, outputWidth: 2, outputHeight: 1,
                                     filter: .area)
        #expect(abs(output[0] - 1) <= 1e-6 && abs(output[1] - 5) <= 1e-6)
    }

    @Test("every channel is resized like a single-channel image of that plane")
    func channelsAreIndependent() {
        let image = imageWithRandomCodes(width: 11, height: 9, channels: 3, seed: 8)
        let all = Resample.planar(image.samples, channels: 3, width: 11, height: 9, outputWidth: 5, outputHeight: 13,
                                  filter: .lanczos3)
        for c in 0..<3 {
            let plane = Array(image.samples[(c * 99)..<((c + 1) * 99)])
            let alone = Resample.planar(plane, channels: 1, width: 11, height: 9, outputWidth: 5, outputHeight: 13,
                                        filter: .lanczos3)
            #expect(Array(all[(c * 65)..<((c + 1) * 65)]) == alone)
        }
    }

    @Test("resized images are clamped to 0...1 although Lanczos overshoots")
    func clampedToUnitRange() {
        var samples = [Float](repeating: 0, count: 16 * 4)
        for y in 0..<4 { for x in 8..<16 { samples[y * 16 + x] = 1 } }
        let image = Image(width: 16, height: 4, channels: 1, samples: samples)
        let up = image.resized(width: 37, height: 4, filter: .lanczos3)
        #expect(up.samples.allSatisfy { (0...1).contains($0) })
        let raw = Resample.planar(samples, channels: 1, width: 16, height: 4, outputWidth: 37, outputHeight: 4, filter: .lanczos3)
        #expect(raw.contains { $0 > 1 } && raw.contains { $0 < 0 })
    }

    @Test("a fully transparent pixel's colour does not bleed into its neighbours")
    func transparentColourDoesNotBleed() {
        // Gray+alpha 2x1: an opaque black pixel beside a transparent white one.
        let image = Image(width: 2, height: 1, channels: 2, samples: [0, 1, 1, 0])
        let one = image.resized(width: 1, height: 1, filter: .area)
        #expect(one.samples[0] == 0)
        #expect(abs(one.samples[1] - 0.5) <= 1e-6)
    }
}
