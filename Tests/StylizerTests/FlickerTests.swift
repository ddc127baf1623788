import Faces
import Foundation
import Testing
import ToonCore
import ToonIO
@testable import Stylizer

/// A photo of random bytes, for motion that any stylizer could see.
private func noisePhoto(width: Int, height: Int, seed: UInt64) -> RGBFrame {
    var random = SplitMix64(state: seed)
    return RGBFrame(width: width, height: height, pixels: (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: random.next() >> 7) })
}

@Suite("Flicker on a panning clip")
struct FlickerTests {
    @Test("the clip's frames are the photo's windows: frame t + 1 at p shows frame t at p + step")
    func clipMoves() throws {
        let clip = try #require(PanningClip(photo: noisePhoto(width: 40, height: 30, seed: 1), width: 20, height: 16, step: (x: 3, y: -2), frames: 5))
        #expect(clip.origin(0) == (4, 11) && clip.origin(4) == (16, 3))
        let (a, b) = (clip.frame(1), clip.frame(2))
        #expect(b.pixel(x: 4, y: 7) == a.pixel(x: 7, y: 5))
        #expect(PanningClip(photo: noisePhoto(width: 40, height: 30, seed: 1), width: 20, height: 16, step: (x: 6, y: 0), frames: 5) == nil)
    }

    @Test("identity and per-pixel colour maps commute with the motion: flicker exactly 0 levels")
    func identityIsZero() throws {
        let clip = try #require(PanningClip(photo: noisePhoto(width: 64, height: 48, seed: 2), width: 32, height: 32, step: (x: 2, y: 1), frames: 6))
        #expect(clip.flicker { $0 } == 0)
        #expect(clip.flicker { RGBFrame(width: $0.width, height: $0.height, pixels: $0.pixels.map { 255 - $0 }) } == 0)
    }

    @Test("a stylizer that ignores the motion (returns the first frame each time) scores the noise's mean difference, about 85 levels (within 5)")
    func staticOutputFlickers() throws {
        let clip = try #require(PanningClip(photo: noisePhoto(width: 64, height: 48, seed: 3), width: 32, height: 32, step: (x: 2, y: 0), frames: 4))
        let first = clip.frame(0)
        // |a - b| of independent uniform bytes averages 255/3.
        #expect(abs(clip.flicker { _ in first } - 85) < 5)
    }

    @Test("a fully convolutional student is shift-equivariant away from its borders: a pan by 2^levels a frame flickers below 1.5 levels, under a third of a frozen output's")
    func studentFlickersLittle() throws {
        var photo = RGBFrame(width: 240, height: 200, color: .black)
        for y in 0..<200 { for x in 0..<240 {
            let i = (y * 240 + x) * 3
            photo.pixels[i] = UInt8(128 + 100 * sin(Double(x) / 5) * cos(Double(y) / 7))
            photo.pixels[i + 1] = UInt8(x + y > 220 ? 200 : 40)
            photo.pixels[i + 2] = UInt8((x * 3 + y) % 256)
        } }
        let student = StudentModel.initial(StudentConfig(width: 4, bridgeBlocks: 1, levels: 2), seed: 5)
        let clip = try #require(PanningClip(photo: photo, width: 160, height: 128, step: (x: 4, y: 4), frames: 4))
        let moving = clip.flicker { student.stylize(frame: $0) }
        let first = student.stylize(frame: clip.frame(0))
        let frozen = clip.flicker { _ in first }
        // Measured 0.88 against 5.3 levels: the border band (the receptive field) is all that moves.
        #expect(moving < 1.5 && moving < frozen / 3, "student \(moving), frozen \(frozen)")
    }
}

@Suite("Face square smoothing")
struct FaceSmoothingTests {
    @Test("one-euro: the first sample passes, a constant stays, a step is approached monotonically without overshoot")
    func oneEuro() {
        var filter = OneEuroFilter(minCutoff: 1, beta: 0)
        #expect(filter.filter(5, interval: 0.04) == 5)
        #expect(filter.filter(5, interval: 0.04) == 5)
        var last = 5.0
        for _ in 0..<50 {
            let y = filter.filter(10, interval: 0.04)
            #expect(y > last && y <= 10)
            last = y
        }
        // Cutoff 1 Hz at 25 fps: alpha = 1 / (1 + 25 / 2 pi) ~ 0.2008; 50 steps leave 5 * 0.7992^50.
        #expect(abs(last - (10 - 5 * pow(1 - OneEuroFilter.alpha(1, 0.04), 50))) < 1e-9)
        #expect(abs(OneEuroFilter.alpha(1, 0.04) - 1 / (1 + 25 / (2 * Double.pi))) < 1e-12)
    }

    @Test("a faster signal raises the cutoff: with beta the filter lags a ramp less than without")
    func betaLagsLess() {
        var slow = OneEuroFilter(minCutoff: 1, beta: 0), fast = OneEuroFilter(minCutoff: 1, beta: 1)
        var a = 0.0, b = 0.0
        for t in 0..<30 { a = slow.filter(Double(t), interval: 0.04); b = fast.filter(Double(t), interval: 0.04) }
        #expect(29 - b < (29 - a) / 2)
    }

    @Test("a face square from landmarks has the recipe's corners, and unit(point(u, v)) gives (u, v) back within 1e-9")
    func squareRoundTrip() {
        var random = SplitMix64(state: 4)
        let landmarks = (0..<68).map { _ in FacePoint(x: 100 + Double(random.next() % 80), y: 50 + Double(random.next() % 90)) }
        let square = FaceSquare(landmarks: landmarks)
        let quad = FFHQAlignment.quad(landmarks: landmarks)
        for (corner, (u, v)) in zip(quad, [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)]) {
            let p = square.point(u: u, v: v)
            #expect(abs(p.x - corner.x) < 1e-9 && abs(p.y - corner.y) < 1e-9)
        }
        for (u, v) in [(0.3, 0.7), (0.9, 0.1), (-0.2, 1.4)] {
            let back = square.unit(of: square.point(u: u, v: v))!
            #expect(abs(back.u - u) < 1e-9 && abs(back.v - v) < 1e-9)
        }
    }
}
