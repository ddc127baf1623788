import Foundation
import Testing
import ToonIO
@testable import Faces

/// dlib's serialization read from hand-made bytes, hostile and truncated files refused with the file
/// and offset, and the cascade's rules (strict `>` picks the left child, out-of-image pixels read 0)
/// on a two-point model small enough to work out by hand. No package needed.
struct ShapePredictorFileTests {
    /// Two points (left and right eye of the unit square), one tree with one split: pixel 0 (on point 0)
    /// minus pixel 1 (on point 1) above `threshold` moves both points 1/8 right, else 1/8 left.
    static func twoPointModel(threshold: Float = 10, version: Int64 = 1) -> [UInt8] {
        DlibBytes.model(initial: [0.25, 0.5, 0.75, 0.5],
                        trees: [(splits: [(0, 1, threshold)], leaves: [[0.125, 0, 0.125, 0], [-0.125, 0, -0.125, 0]])],
                        anchors: [0, 1], deltas: [0, 0, 0, 0], version: version)
    }

    /// 11x11, pixel (3, 5) = `left`, (8, 5) = `right`: where the initial shape's points land in an
    /// (0, 0, 11x11) box (0.25 * 10 + 0.5 rounds down to 3; 0.75 * 10 to 8).
    static func image(left: UInt8, right: UInt8) -> GrayImage {
        var pixels = [UInt8](repeating: 0, count: 121)
        pixels[5 * 11 + 3] = left
        pixels[5 * 11 + 8] = right
        return GrayImage(width: 11, height: 11, pixels: pixels)
    }

    static func error(_ bytes: [UInt8]) -> FacesError? {
        do { _ = try ShapePredictor.load(bytes: bytes, name: "hand.dat"); return nil } catch { return error }
    }

    @Test("a hand-made file reads back every field")
    func readsFields() throws {
        let model = try ShapePredictor.load(bytes: Self.twoPointModel(), name: "hand.dat").model
        #expect(model.initialShape == [0.25, 0.5, 0.75, 0.5])
        #expect(model.levels.count == 1 && model.levels[0].anchors == [0, 1] && model.levels[0].deltas == [0, 0, 0, 0])
        #expect(model.splitPixel1 == [0] && model.splitPixel2 == [1] && model.splitThreshold == [10])
        #expect(model.leafValues == [0.125, 0, 0.125, 0, -0.125, 0, -0.125, 0])
    }

    @Test("floats decode as float_details: mantissa * 2^exponent, zero, negatives, dlib's own bytes")
    func floats() throws {
        for value: Float in [0, 1, -1, 0.1, -3.75e-7, 1234.5678, .leastNormalMagnitude, .greatestFiniteMagnitude, 0.0625] {
            var out = DlibBytes()
            out.float(value)
            let decoded = try out.bytes.withUnsafeBufferPointer { buffer throws(FacesError) in
                var d = DlibDecoder(buffer, file: "f")
                return try d.float("x")
            }
            #expect(decoded == value)
        }
        // The first value of Debian's 68-point model: mantissa 0xF1384D (3 bytes), exponent -29.
        let bytes: [UInt8] = [0x03, 0x4D, 0x38, 0xF1, 0x81, 0x1D]
        let first = try bytes.withUnsafeBufferPointer { buffer throws(FacesError) in
            var d = DlibDecoder(buffer, file: "f")
            return try d.float("x")
        }
        #expect(first == Float(0xF1384D) / Float(1 << 29))
    }

    @Test("the left child when pixel1 - pixel2 > thresh, strictly; the right one at equality")
    func treeRule() throws {
        let predictor = try ShapePredictor.load(bytes: Self.twoPointModel(), name: "hand.dat")
        let box = FaceBox(x: 0, y: 0, width: 11, height: 11)
        // Left: (0.375, 0.875) * 10 = 3.75, 8.75 -> 4, 9.
        #expect(predictor.landmarks(in: Self.image(left: 200, right: 50), face: box)
                == [FacePoint(x: 4, y: 5), FacePoint(x: 9, y: 5)])
        // Difference 10 is not above 10: right, (0.125, 0.625) * 10 = 1.25, 6.25 -> 1, 6.
        #expect(predictor.landmarks(in: Self.image(left: 60, right: 50), face: box)
                == [FacePoint(x: 1, y: 5), FacePoint(x: 6, y: 5)])
        #expect(predictor.unroundedLandmarks(in: Self.image(left: 60, right: 50), face: box)
                == [FacePoint(x: 1.25, y: 5), FacePoint(x: 6.25, y: 5)])
    }

    @Test("feature pixels outside the image read 0")
    func outsideReadsZero() throws {
        let predictor = try ShapePredictor.load(bytes: Self.twoPointModel(threshold: -10), name: "hand.dat")
        // The box hangs off the left edge: pixel 0 lands at x = -8 + 3 = -5 (0), pixel 1 at x = 0 (30):
        // 0 - 30 is not above -10, so right.
        var pixels = [UInt8](repeating: 0, count: 121)
        pixels[5 * 11] = 30
        let image = GrayImage(width: 11, height: 11, pixels: pixels)
        let points = predictor.landmarks(in: image, face: FaceBox(x: -8, y: 0, width: 11, height: 11))
        #expect(points == [FacePoint(x: -7, y: 5), FacePoint(x: -2, y: 5)])
    }

    @Test("dlib's intensity of an RGB pixel is the truncated mean (R + G + B) / 3")
    func intensity() {
        let samples: [Float] = [1, 255, 100, 0].map { $0 / 255 } + [1, 255, 101, 0].map { $0 / 255 } + [0, 254, 101, 2].map { $0 / 255 }
        let gray = GrayImage(dlibIntensitiesOf: Image(width: 4, height: 1, channels: 3, samples: samples))
        #expect(gray.pixels == [0, 254, 100, 0])
    }

    @Test("the similarity transform is the scaled rotation between two shapes")
    func similarity() {
        let source: [Float] = [0, 0, 1, 0, 0, 1, 2, 3]
        let angle = 0.5, scale = 1.5
        let (c, s) = (scale * cos(angle), scale * sin(angle))
        let target = stride(from: 0, to: source.count, by: 2).flatMap { i -> [Float] in
            let x = Double(source[i]), y = Double(source[i + 1])
            return [Float(c * x - s * y + 7), Float(s * x + c * y - 2)]
        }
        let t = SimilarityTransform(from: source, to: target)
        #expect(abs(t.a - c) < 1e-6 && abs(t.b - s) < 1e-6)
    }

    // MARK: hostile and broken files

    @Test("every truncation of a file is an error at an offset inside it, never a crash")
    func truncations() {
        let whole = Self.twoPointModel()
        for length in 0..<whole.count {
            guard let error = Self.error(Array(whole[0..<length])) else {
                Issue.record("\(length) of \(whole.count) bytes read without an error")
                continue
            }
            guard case .badShapePredictor(let offset, _) = error.problem else {
                Issue.record("\(length) bytes: \(error)")
                continue
            }
            #expect(offset <= length && error.file == "hand.dat")
        }
    }

    struct Hostile: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let message: String
        var testDescription: String { name }
    }

    static let hostile: [Hostile] = {
        let good = twoPointModel()
        var cases: [Hostile] = []
        cases.append(Hostile(name: "version 2", bytes: twoPointModel(version: 2), message: "byte 0: not a usable dlib shape predictor: version 2, not 1"))
        var trailing = good
        trailing.append(0)
        cases.append(Hostile(name: "trailing bytes", bytes: trailing, message: "1 bytes follow the model"))
        // A forest count of 2^40: refused from the bytes left before anything is allocated.
        var huge = DlibBytes()
        huge.int(1)
        huge.column([0.25, 0.5, 0.75, 0.5])
        huge.int(1 << 40)
        cases.append(Hostile(name: "a vector claiming 2^40 elements", bytes: huge.bytes, message: "forests claims 1099511627776 elements"))
        var rows = DlibBytes()
        rows.int(1)
        rows.int(-(1 << 50))
        rows.int(-1)
        cases.append(Hostile(name: "a matrix claiming 2^50 rows", bytes: rows.bytes, message: "initial_shape claims 1125899906842624 rows"))
        var wide = DlibBytes()
        wide.int(1)
        wide.int(-2)
        wide.int(-2)
        cases.append(Hostile(name: "a matrix of two columns", bytes: wide.bytes, message: "initial_shape has 2 columns, not 1"))
        var odd = DlibBytes()
        odd.int(1)
        odd.column([0.1, 0.2, 0.3])
        cases.append(Hostile(name: "an odd shape", bytes: odd.bytes, message: "initial_shape has 3 values"))
        cases.append(Hostile(
            name: "a split reading a pixel the forest lacks",
            bytes: DlibBytes.model(initial: [0.25, 0.5, 0.75, 0.5], trees: [(splits: [(0, 2, 1)], leaves: [[0, 0, 0, 0], [0, 0, 0, 0]])],
                                   anchors: [0, 1], deltas: [0, 0, 0, 0]),
            message: "a split of forest 0 compares pixel 2 of 2"))
        cases.append(Hostile(
            name: "an anchor past the last point",
            bytes: DlibBytes.model(initial: [0.25, 0.5, 0.75, 0.5], trees: [(splits: [(0, 1, 1)], leaves: [[0, 0, 0, 0], [0, 0, 0, 0]])],
                                   anchors: [0, 2], deltas: [0, 0, 0, 0]),
            message: "anchor 2 of forest 0 is not one of the 2 points"))
        cases.append(Hostile(
            name: "a tree with too few leaves",
            bytes: DlibBytes.model(initial: [0.25, 0.5, 0.75, 0.5], trees: [(splits: [(0, 1, 1)], leaves: [[0, 0, 0, 0]])],
                                   anchors: [0, 1], deltas: [0, 0, 0, 0]),
            message: "has 1 splits and 1 leaves, not 2"))
        cases.append(Hostile(
            name: "a leaf shorter than the shape",
            bytes: DlibBytes.model(initial: [0.25, 0.5, 0.75, 0.5], trees: [(splits: [(0, 1, 1)], leaves: [[0, 0], [0, 0, 0, 0]])],
                                   anchors: [0, 1], deltas: [0, 0, 0, 0]),
            message: "leaf 0 of tree 0 of forest 0 has 2 values, the shape 4"))
        cases.append(Hostile(
            name: "more anchors than offsets",
            bytes: DlibBytes.model(initial: [0.25, 0.5, 0.75, 0.5], trees: [], anchors: [0, 1, 1], deltas: [0, 0, 0, 0]),
            message: "deltas[0] has 2 offsets for 3 anchors"))
        cases.append(Hostile(
            name: "an infinite threshold",
            bytes: DlibBytes.model(initial: [0.25, 0.5, 0.75, 0.5], trees: [(splits: [(0, 1, .infinity)], leaves: [[0, 0, 0, 0], [0, 0, 0, 0]])],
                                   anchors: [0, 1], deltas: [0, 0, 0, 0]),
            message: "a split's threshold: not finite"))
        cases.append(Hostile(name: "a control byte of 9 value bytes", bytes: [0x09] + [UInt8](repeating: 1, count: 9),
                             message: "the version: control byte 0x9 gives 9 bytes (1 to 4 allowed)"))
        cases.append(Hostile(name: "a control byte of 0 value bytes", bytes: [0x00, 0x01], message: "gives 0 bytes"))
        var signed = DlibBytes()
        signed.int(1)
        signed.column([0.25, 0.5, 0.75, 0.5])
        signed.int(-1)
        cases.append(Hostile(name: "a negative length", bytes: signed.bytes, message: "an unsigned integer with the sign bit set"))
        var overflow = DlibBytes()
        overflow.int(1)
        overflow.int(-1)
        overflow.int(-1)
        overflow.int(1)
        overflow.int(5000)
        cases.append(Hostile(name: "a float overflowing", bytes: overflow.bytes, message: "1 * 2^5000 overflows a float"))
        var wideExponent = DlibBytes()
        wideExponent.int(1)
        wideExponent.int(-1)
        wideExponent.int(-1)
        wideExponent.int(1)
        wideExponent.int(-0xFFFF)
        cases.append(Hostile(name: "an exponent past int16", bytes: wideExponent.bytes, message: "-65535 is out of range"))
        var text = DlibBytes()
        text.int(1)
        text.int(-1)
        text.int(-1)
        text.bytes += Array("0.5 ".utf8)
        cases.append(Hostile(name: "dlib's old text floats", bytes: text.bytes, message: "old text float format"))
        return cases
    }()

    @Test("hostile files are refused with the file, the byte and the reason", arguments: hostile)
    func refusesHostile(_ test: Hostile) {
        let error = Self.error(test.bytes)
        #expect(error?.description.hasPrefix("hand.dat: byte ") == true, "\(String(describing: error))")
        #expect(error?.description.contains(test.message) == true, "\(String(describing: error?.description))")
    }

    @Test("a missing file names the file; a missing default names libdlib-data")
    func missingFiles() {
        #expect {
            _ = try ShapePredictor.load(from: URL(fileURLWithPath: "/nonexistent/model.dat"))
        } throws: { error in
            guard let error = error as? FacesError, case .unreadable = error.problem else { return false }
            return error.file == "/nonexistent/model.dat"
        }
        let error = FacesError(file: ShapePredictor.defaultLandmarkCandidates[0], .missingPackage("libdlib-data"))
        #expect(error.description == "/usr/share/dlib/shape_predictor_68_face_landmarks.dat: not found; install Debian's libdlib-data package (apt-get install libdlib-data)")
    }
}
