import Testing
import ToonIO
@testable import Faces

@Suite("Gray conversion matches cv2.cvtColor(BGR2GRAY)")
struct GrayImageTests {
    @Test("the reference colours give cv2's gray levels")
    func referenceColours() {
        let reference = CascadeReference.shared.gray
        let n = reference.rgb.count
        var samples = [Float](repeating: 0, count: 3 * n)
        for (i, rgb) in reference.rgb.enumerated() {
            for c in 0..<3 { samples[c * n + i] = Float(rgb[c]) / 255 }
        }
        let gray = GrayImage(Image(width: n, height: 1, channels: 3, samples: samples))
        #expect(gray.pixels.map(Int.init) == reference.gray)
    }

    /// OpenCV 4's 8-bit path: 15-bit weights 9798, 19235, 3735 (they sum to 2^15), rounded by adding
    /// 2^14. Checked against cv2 on all 2^24 colours when the formula was chosen; here every level of
    /// each channel alone and of gray.
    @Test("every level of each channel alone follows (9798 R + 19235 G + 3735 B + 2^14) >> 15")
    func formula() {
        for channel in 0..<3 {
            var samples = [Float](repeating: 0, count: 3 * 256)
            for level in 0..<256 { samples[channel * 256 + level] = Float(level) / 255 }
            let gray = GrayImage(Image(width: 256, height: 1, channels: 3, samples: samples))
            let weight = [9798, 19235, 3735][channel]
            #expect(gray.pixels.map(Int.init) == (0..<256).map { ($0 * weight + 16384) >> 15 })
        }
        let levels = (0..<256).map { Float($0) / 255 }
        #expect(GrayImage(Image(width: 256, height: 1, channels: 3, samples: levels + levels + levels)).pixels
                == (0..<256).map(UInt8.init))
        #expect(GrayImage(Image(width: 256, height: 1, channels: 1, samples: levels)).pixels == (0..<256).map(UInt8.init))
    }

    @Test("16-bit samples keep their high byte, as cv2.imread gives 0x80FF as 128 and 0x0180 as 1")
    func sixteenBit() {
        let codes: [Float] = [0x80FF, 0x0180, 0xFFFF, 0x00FF]
        let image = Image(width: 4, height: 1, channels: 1, samples: codes.map { $0 / 65535 }, bitDepth: 16)
        #expect(GrayImage(image).pixels == [128, 1, 255, 0])
    }

    @Test("alpha is ignored, as cv2.imread's colour mode drops it")
    func alphaIgnored() {
        let rgba = GrayImage(Image(width: 1, height: 1, channels: 4, samples: [1, 0, 0, 0.2]))
        let rgb = GrayImage(Image(width: 1, height: 1, channels: 3, samples: [1, 0, 0]))
        #expect(rgba == rgb && rgb.pixels == [76])
    }
}
