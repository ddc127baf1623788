import Foundation
import ToonCore

/// One image's draw from ADA's 'bgc' pipeline (NVLabs augment.py, stylegan2-ada-pytorch): the value
/// of every transform, identity where the transform was not chosen. Geometric values are in NVLabs'
/// units (translations as fractions of the image side, angles in radians, scales as factors).
struct AugmentParameters: Sendable, Equatable {
    // Pixel blitting.
    var xflip = 0                    // 0 or 1
    var rotate90 = 0                 // quarter turns, 0...3
    var xint = (x: 0.0, y: 0.0)      // in -0.125...0.125 of the side, rounded to whole pixels
    // General geometric transformations.
    var scale = 1.0
    var rotateBefore = 0.0           // radians, before the anisotropic scaling
    var aniso = 1.0                  // x scaled by it, y by its inverse
    var rotateAfter = 0.0
    var xfrac = (x: 0.0, y: 0.0)     // fractions of the side
    // Colour.
    var brightness = 0.0
    var contrast = 1.0
    var lumaflip = 0                 // 0 or 1: reflect colours through the plane normal to the grey axis
    var hue = 0.0                    // radians about the grey axis
    var saturation = 1.0

    static func == (a: Self, b: Self) -> Bool {
        a.xflip == b.xflip && a.rotate90 == b.rotate90 && a.xint == b.xint && a.scale == b.scale
            && a.rotateBefore == b.rotateBefore && a.aniso == b.aniso && a.rotateAfter == b.rotateAfter
            && a.xfrac == b.xfrac && a.brightness == b.brightness && a.contrast == b.contrast
            && a.lumaflip == b.lumaflip && a.hue == b.hue && a.saturation == b.saturation
    }

    // NVLabs' spreads for 'bgc'.
    static let xintMax = 0.125, scaleStd = 0.2, rotateMax = 1.0, anisoStd = 0.2, xfracStd = 0.125
    static let brightnessStd = 0.2, contrastStd = 0.5, hueMax = 1.0, saturationStd = 1.0

    /// Draws `count` images' parameters, each transform applied to each image with probability `p`,
    /// in NVLabs' order: a transform's values for the whole batch, then its per-image coin flips.
    /// Hue and saturation need colour (`channels` > 1), as in NVLabs.
    static func draw(count: Int, channels: Int, probability p: Double, using random: inout NumpyRandomState) -> [Self] {
        var out = [Self](repeating: Self(), count: count)
        func values(_ make: () -> Double) -> [Double] { (0..<count).map { _ in make() } }
        func chosen(_ probability: Double) -> [Bool] { (0..<count).map { _ in random.randomSample() < probability } }
        func apply<T>(_ draws: [T], _ probability: Double, _ set: (inout Self, T) -> Void) {
            for (i, on) in chosen(probability).enumerated() where on { set(&out[i], draws[i]) }
        }
        func uniform() -> Double { random.randomSample() }
        apply(values { (uniform() * 2).rounded(.down) }, p) { $0.xflip = Int($1) }
        apply(values { (uniform() * 4).rounded(.down) }, p) { $0.rotate90 = Int($1) }
        apply((0..<count).map { _ in (x: (uniform() * 2 - 1) * xintMax, y: (uniform() * 2 - 1) * xintMax) }, p) { $0.xint = $1 }
        apply(values { exp2(random.standardNormal() * scaleStd) }, p) { $0.scale = $1 }
        // NVLabs splits the rotation into two chances so that P(pre or post) = p.
        let pRotate = 1 - (1 - min(max(p, 0), 1)).squareRoot()
        apply(values { (uniform() * 2 - 1) * Double.pi * rotateMax }, pRotate) { $0.rotateBefore = $1 }
        apply(values { exp2(random.standardNormal() * anisoStd) }, p) { $0.aniso = $1 }
        apply(values { (uniform() * 2 - 1) * Double.pi * rotateMax }, pRotate) { $0.rotateAfter = $1 }
        apply((0..<count).map { _ in (x: random.standardNormal() * xfracStd, y: random.standardNormal() * xfracStd) }, p) { $0.xfrac = $1 }
        apply(values { random.standardNormal() * brightnessStd }, p) { $0.brightness = $1 }
        apply(values { exp2(random.standardNormal() * contrastStd) }, p) { $0.contrast = $1 }
        apply(values { (uniform() * 2).rounded(.down) }, p) { $0.lumaflip = Int($1) }
        if channels > 1 {
            apply(values { (uniform() * 2 - 1) * Double.pi * hueMax }, p) { $0.hue = $1 }
            apply(values { exp2(random.standardNormal() * saturationStd) }, p) { $0.saturation = $1 }
        }
        return out
    }
}
