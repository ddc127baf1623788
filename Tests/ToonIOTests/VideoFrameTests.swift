import Foundation
import Testing
import ToonTestSupport
import ToonCore
@testable import ToonIO

@Suite("Video frames from tensors", .computeFromEnvironment)
struct VideoFrameTests {
    @Test("-1...1 samples quantise as NVLabs does: x*127.5+128, clamped, truncated toward zero")
    func nvlabsRule() throws {
        let samples: [Float] = [-1, 1, 0, -0.999, 0.99, 2, -3, -0.5, 0.5, .nan]
        // Worked by hand: -1 -> 0.5 -> 0; 1 -> 255.5 -> 255; 0.99 -> 254.225 -> 254; -0.5 -> 64.25.
        let expected: [UInt8] = [0, 255, 128, 0, 254, 255, 0, 64, 191, 0]
        // Green and blue hold other values, so channels swapped in the interleaving would show.
        let red = samples, green = samples.map { $0 * 0.5 }, blue = samples.map { -$0 }
        let tensor = Tensor(shape: [1, 3, 1, 10], scalars: red + green + blue)
        let frame = try RGBFrame(tensor: tensor)
        #expect(frame.width == 10 && frame.height == 1)
        #expect((0..<10).map { frame.pixel(x: $0, y: 0).red } == expected)
        #expect((0..<10).map { frame.pixel(x: $0, y: 0).green } == green.map { Quantization(range: -1...1).byte($0) })
        #expect(frame.pixel(x: 1, y: 0).blue == 0 && frame.pixel(x: 0, y: 0).blue == 255)
    }

    @Test("[3,H,W] and [1,3,H,W] tensors give the same row-major frame")
    func layouts() throws {
        let scalars: [Float] = (0..<60).map { (i: Int) -> Float in Float(i) / 30 - 1 }
        let a = try RGBFrame(tensor: Tensor(shape: [3, 4, 5], scalars: scalars))
        let b = try RGBFrame(tensor: Tensor(shape: [1, 3, 4, 5], scalars: scalars))
        #expect(a == b)
        #expect(a.width == 5 && a.height == 4)
        // Pixel (x 2, y 1) is element 7 of each 20-element plane.
        let q = { (x: Float) in Quantization(range: -1...1).byte(x) }
        #expect(a.pixel(x: 2, y: 1) == RGBFrame.Color(red: q(scalars[7]), green: q(scalars[27]), blue: q(scalars[47])))
    }

    @Test("a 0...1 range maps 0 to 0, 1 to 255 and rounds half up in between")
    func unitRange() throws {
        let frame = try RGBFrame(tensor: Tensor(shape: [3, 1, 4], scalars: [0, 1, 0.5, 0.2, 0, 0, 0, 0, 0, 0, 0, 0]), range: 0...1)
        #expect((0..<4).map { frame.pixel(x: $0, y: 0).red } == [0, 255, 128, 51])
    }

    @Test("a tensor that is not one RGB image is refused with its shape", arguments: [[2, 3, 4, 4], [4, 4, 4], [3, 4]])
    func badShape(shape: [Int]) {
        #expect(throws: ToonIOError(file: nil, .video(.tensorShape(shape)))) {
            try RGBFrame(tensor: Tensor.zeros(shape))
        }
    }

    @Test("large tensors split over cores give the same bytes as the element-wise rule")
    func parallelMatchesScalar() throws {
        var random = TestRandom(seed: 4)
        let scalars = (0..<3 * 200 * 300).map { _ in Float(random.below(4001)) / 1000 - 2 }
        let frame = try RGBFrame(tensor: Tensor(shape: [3, 200, 300], scalars: scalars))
        let plane = 200 * 300
        let expected = (0..<plane).flatMap { p in (0..<3).map { c in Quantization(range: -1...1).byte(scalars[c * plane + p]) } }
        #expect(frame.pixels == expected)
    }
}
