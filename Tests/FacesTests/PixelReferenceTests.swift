import Testing
@testable import Faces

/// The image steps under the detector against OpenCV 4.6, exactly: integer results, no tolerance.
@Suite("Pixel steps match OpenCV 4.6")
struct PixelReferenceTests {
    static let reference = CascadeReference.shared

    @Test("integral images equal cv2.integral3 (sum, squared sum, tilted; 32-bit)")
    func integralImages() {
        let r = Self.reference.integral
        let image = CascadeReference.formulaImage(width: r.width, height: r.height, seed: r.seed)
        let count = (r.width + 1) * (r.height + 1)
        var sum = [Int](repeating: -7, count: count), squares = sum, tilted = sum
        image.withUnsafeBufferPointer { pixels in
            sum.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    tilted.withUnsafeMutableBufferPointer { t in
                        IntegralImages.compute(pixels, width: r.width, height: r.height, sum: s, squares: q, tilted: t)
                    }
                }
            }
        }
        #expect(sum.map(Int64.init) == r.sum.flatMap { $0 })
        #expect(squares.map(Int64.init) == r.sqsum.flatMap { $0 })
        #expect(tilted.map(Int64.init) == r.tilted.flatMap { $0 })
    }

    @Test("integral sums wrap at 32 bits as OpenCV's int images do: a 300x300 white image")
    func integralWraps() {
        let (w, h) = (300, 300)
        let image = [UInt8](repeating: 255, count: w * h)
        var sum = [Int](repeating: 0, count: (w + 1) * (h + 1)), squares = sum
        image.withUnsafeBufferPointer { pixels in
            sum.withUnsafeMutableBufferPointer { s in
                squares.withUnsafeMutableBufferPointer { q in
                    IntegralImages.compute(pixels, width: w, height: h, sum: s, squares: q, tilted: nil)
                }
            }
        }
        // cv2.integral2(..., sqdepth=CV_32S) gives 1557282704 for the corner: 300 * 300 * 65025 mod 2^32.
        #expect(squares.last == 1_557_282_704)
        #expect(sum.last == 300 * 300 * 255)
    }

    static func resized(_ source: [UInt8], width: Int, height: Int, to w: Int, _ h: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: w * h)
        source.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                LinearResize.resize(s, width: width, height: height, into: d, width: w, height: h)
            }
        }
        return out
    }

    @Test("bilinear resize equals cv2.resize(INTER_LINEAR_EXACT) byte for byte, at every pyramid size",
          arguments: reference.resize.results.indices)
    func linearResize(_ index: Int) {
        let r = Self.reference.resize, expected = r.results[index]
        let source = CascadeReference.formulaImage(width: r.width, height: r.height, seed: r.seed)
        let out = Self.resized(source, width: r.width, height: r.height, to: expected.width, expected.height)
        if let bytes = expected.bytes { #expect(out == bytes, "\(expected.width)x\(expected.height)") }
        #expect(out.reduce(0) { $0 + Int($1) } == expected.sum, "\(expected.width)x\(expected.height)")
        #expect(CascadeReference.fnv1a(out) == expected.fnv1a, "\(expected.width)x\(expected.height)")
    }

    @Test("an exact halving is OpenCV's 2x2 area average with rounding")
    func halving() {
        let h = Self.reference.resize.half
        let source = CascadeReference.formulaImage(width: h.width, height: h.height, seed: h.seed)
        #expect(Self.resized(source, width: h.width, height: h.height, to: h.width / 2, h.height / 2) == h.bytes)
    }
}
