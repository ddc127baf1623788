import Foundation
import Testing
import ToonTestSupport
import ToonCore
@testable import ToonIO

@Suite("Image quantisation and tensor conversion", .computeFromEnvironment)
struct ImageQuantizationTests {
    /// NVLabs generate.py, written out: (x * 127.5 + 128).clamp(0, 255).to(torch.uint8), in float32.
    static func nvlabs(_ x: Float) -> UInt8 {
        let y = x * 127.5 + 128
        return UInt8(min(max(y, 0), 255).rounded(.towardZero))
    }

    /// The bytes an 8-bit PNG would get for tensor values in -1...1.
    static func written(_ values: [Float]) throws -> [UInt8] {
        let image = try Image(tensor: Tensor(shape: [1, 1, values.count], scalars: values), range: -1...1)
        return image.interleaved(bits: 8)
    }

    @Test("edge values: -1 -> 0, 1 -> 255, 1.0039 -> 255, below -1 -> 0, NaN -> 0")
    func edges() throws {
        let values: [Float] = [-1, 1, 1.0039, 1.5, -1.2, 0, .nan, .infinity, -.infinity]
        #expect(try Self.written(values) == [0, 255, 255, 255, 0, 128, 0, 255, 0])
    }

    @Test("values just below a .5 step truncate down, as torch's uint8 cast does")
    func justBelowSteps() throws {
        // x * 127.5 + 128 == k + 0.999 gives k, not the rounded k + 1.
        let ks: [Float] = [0, 1, 64, 127, 128, 200, 254]
        let values = ks.map { ($0 + 0.999 - 128) / 127.5 }
        #expect(try Self.written(values) == ks.map { UInt8($0) })
        #expect(values.map(Self.nvlabs) == ks.map { UInt8($0) })
    }

    @Test("matches the NVLabs rule on every step boundary and its neighbouring floats")
    func matchesNVLabsAtBoundaries() throws {
        var values: [Float] = []
        for k in -2...258 {
            var x = (Float(k) - 128) / 127.5
            for _ in 0..<6 { x = x.nextDown }
            for _ in 0..<13 { values.append(x); x = x.nextUp }
            // and the same near the half-way point, where rounding and truncation differ
            var h = (Float(k) + 0.5 - 128) / 127.5
            for _ in 0..<3 { h = h.nextDown }
            for _ in 0..<7 { values.append(h); h = h.nextUp }
        }
        var random = TestRandom(seed: 11)
        values += (0..<4000).map { _ in random.unit() * 2.2 - 1.1 }
        #expect(try Self.written(values) == values.map(Self.nvlabs))
    }

    @Test("the general rule: 0...1 rounds half up, 0...255 is identity on integers")
    func generalRule() {
        let unit = Quantization(range: 0...1)
        #expect(unit.byte(0) == 0 && unit.byte(1) == 255)
        #expect(unit.byte(0.5 / 255) == 1)
        #expect(unit.byte(0.49 / 255) == 0)
        let bytes = Quantization(range: 0...255)
        #expect((0...255).allSatisfy { bytes.byte(Float($0)) == UInt8($0) })
        let deep = Quantization(range: 0...1, bits: 16)
        #expect(deep.code(1) == 65535 && deep.code(0.5) == 32768)
    }

    @Test("tensor(range:) gives [1, C, H, W] and Image(tensor:) accepts it back")
    func tensorRoundTrip() throws {
        let image = imageWithRandomCodes(width: 5, height: 3, channels: 3, seed: 2)
        let tensor = image.tensor(range: -1...1)
        #expect(tensor.shape == [1, 3, 3, 5])
        #expect(tensor.scalars[0] == image.samples[0] * 2 - 1)
        let back = try Image(tensor: tensor, range: -1...1)
        #expect(back.interleaved(bits: 8) as [UInt8] == image.interleaved(bits: 8))
        let planar = try Image(tensor: image.tensor(range: 0...1).reshapedStorage(to: [3, 3, 5]), range: 0...1)
        #expect(planar == image)
    }

    @Test("a tensor that is not [C, H, W] or [1, C, H, W] with 1...4 channels is an error",
          arguments: [[2, 3, 4, 4], [5, 4, 4], [4, 4], [1, 3, 0, 4]])
    func badTensorShapes(shape: [Int]) {
        #expect(throws: ToonIOError(file: "<tensor>", .image(.notAnImageTensor(shape: shape)))) {
            try Image(tensor: Tensor.zeros(shape))
        }
    }
}
