import Foundation
import Testing
import ToonIO
import ToonTestSupport
@testable import Upscale

@Suite("waifu2x matches the waifu2x package", .computeFromEnvironment,
       .enabled(if: Waifu2xReference.modelsFolder != nil, Waifu2xReference.missingModels))
struct Waifu2xReferenceTests {
    // The reference truncates float outputs to 8 bits, so a value within a float rounding of a
    // whole level can land on either side: one level is the bound (measured: at most one, on a
    // few samples in ten thousand).
    @Test("the same picture within one 8-bit level", arguments: Waifu2xReference.shared.cases.map(\.case))
    func matchesReference(_ name: String) throws {
        let reference = Waifu2xReference.shared.cases.first { $0.case == name }!
        let inputURL = Waifu2xReference.url(reference.input)
        let input = try Image.read(from: inputURL)
        let upscaler = try Waifu2x.load(reference.architecture, noiseLevel: reference.noiseLevel, scale: reference.scale,
                                        folder: Waifu2xReference.modelsFolder!)
        let alphaIsChannel = Waifu2x.alphaIsChannel(fileBytes: try Data(contentsOf: inputURL))
        let made = upscaler.upscale(input, alphaIsChannel: alphaIsChannel)
        let expected = try Image.read(from: Waifu2xReference.url(reference.output))
        #expect([made.width, made.height] == reference.outputSize)
        // The reference saves in the input's mode, which drops a tRNS picture's alpha; ToonKit keeps it.
        let compared = expected.channels < made.channels && !expected.hasAlpha ? made.droppingAlpha() : made
        #expect(compared.channels == expected.channels)
        let levels = zip(compared.samples, expected.samples).map { Int((($0 - $1) * 255).rounded()) }
        let worst = levels.map(abs).max() ?? 0
        let off = levels.filter { $0 != 0 }.count
        #expect(worst <= 1, "\(name): \(off) of \(levels.count) samples differ, by up to \(worst) levels")
    }

    @Test("PNG colour types 4 and 6 carry an alpha channel; tRNS pictures a transparent colour")
    func alphaKinds() throws {
        #expect(Waifu2x.alphaIsChannel(fileBytes: try Data(contentsOf: Waifu2xReference.url("logo_alpha.png"))))
        #expect(Waifu2x.alphaIsChannel(fileBytes: try Data(contentsOf: Waifu2xReference.url("logo_gray_alpha.png"))))
        #expect(!Waifu2x.alphaIsChannel(fileBytes: try Data(contentsOf: Waifu2xReference.url("logo_keyed.png"))))
        #expect(!Waifu2x.alphaIsChannel(fileBytes: try Data(contentsOf: Waifu2xReference.url("camera_gray.png"))))
    }
}
