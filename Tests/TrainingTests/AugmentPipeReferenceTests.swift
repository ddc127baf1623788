import Foundation
import Testing
import ToonCore
import ToonTestSupport
@testable import Training

/// ToonKit's ADA pipeline against NVLabs' AugmentPipe, run by Reference/make_ada_reference.py in
/// float64 with each transform forced on with chosen values (then all together, at 16 and 32 px, RGB
/// and grey). ToonKit runs in float32 with its matrices, grid and bilinear weights in Double; on
/// [-1, 1] images the largest difference measured is 6e-7 (float32 rounding through the
/// upsampling, the sample and the downsampling), and the tolerance is 1e-6.
@Suite(.computeFromEnvironment) struct AugmentPipeReferenceTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let tolerance: Float = 1e-6

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let shape: [Int]
        let input: Int
        let output: Int
        let parameters: [AugmentParameters]
        var testDescription: String { name }
    }

    static let floats: [Float] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("ada_reference.bin"))
        return data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
    }()

    static let cases: [Case] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("ada_reference.json"))
        let json = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (json["cases"] as! [[String: Any]]).map { c in
            let shape = c["shape"] as! [Int]
            let parameters = (c["parameters"] as! [[String: Any]]).map { imageParameters(from: $0, colour: shape[1] > 1) }
            return Case(name: c["name"] as! String, shape: shape, input: c["input"] as! Int, output: c["output"] as! Int,
                        parameters: parameters)
        }
    }()

    /// One image's parameters from the script's names (ToonKit's); hue and saturation need colour, as in NVLabs.
    static func imageParameters(from d: [String: Any], colour: Bool) -> AugmentParameters {
        func number(_ key: String) -> Double? { (d[key] as? NSNumber)?.doubleValue }
        func pair(_ key: String) -> (x: Double, y: Double)? { (d[key] as? [NSNumber]).map { ($0[0].doubleValue, $0[1].doubleValue) } }
        var p = AugmentParameters()
        p.xflip = number("xflip").map { Int($0) } ?? 0
        p.rotate90 = number("rotate90").map { Int($0) } ?? 0
        p.xint = pair("xint") ?? (0, 0)
        p.scale = number("scale") ?? 1
        p.rotateBefore = number("rotateBefore") ?? 0
        p.aniso = number("aniso") ?? 1
        p.rotateAfter = number("rotateAfter") ?? 0
        p.xfrac = pair("xfrac") ?? (0, 0)
        p.brightness = number("brightness") ?? 0
        p.contrast = number("contrast") ?? 1
        p.lumaflip = number("lumaflip").map { Int($0) } ?? 0
        if colour {
            p.hue = number("hue") ?? 0
            p.saturation = number("saturation") ?? 1
        }
        return p
    }

    @Test func theReferenceHoldsEveryTransform() {
        let names = Set(Self.cases.map(\.name))
        for name in ["xflip", "rotate90", "xint", "scale", "rotate", "aniso", "xfrac", "brightness", "contrast", "lumaflip",
                     "hue", "saturation", "everything", "everything-32px", "everything-grey"] {
            #expect(names.contains(name), "no reference case \(name)")
        }
    }

    @Test(arguments: cases)
    func matchesNVLabsAugmentPipe(_ c: Case) {
        let count = c.shape.reduce(1, *)
        let input = Tensor(shape: c.shape, scalars: Array(Self.floats[c.input..<(c.input + count)]))
        let expected = Array(Self.floats[c.output..<(c.output + count)])
        let out = AugmentPipe.apply(c.parameters, to: input)
        #expect(out.shape == c.shape)
        let error = zip(out.scalars, expected).map { abs($0 - $1) }.max()!
        #expect(error <= Self.tolerance, "\(c.name): largest difference \(error)")
        // The transform did something (the second image may keep an identity value).
        #expect(zip(input.scalars, expected).map { abs($0 - $1) }.max()! > 0.05)
    }
}
