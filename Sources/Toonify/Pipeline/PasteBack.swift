import Foundation
import ToonIO

/// Puts a toonified face back into its photo: the aligned square is mapped back through its quad,
/// blended in under a feathered ellipse around the face, and its colours moved towards the photo's
/// under the same mask, so the face sits in the photo's light.
public struct PasteBack: Sendable {
    /// The ellipse in the aligned square's unit coordinates: FFHQ alignment puts the eyes at about
    /// 0.4 of the height and the mouth at about 0.7, so this covers forehead to chin.
    public var centre = (u: 0.5, v: 0.53)
    public var radii = (u: 0.34, v: 0.43)
    /// Width of the soft edge, as a fraction of the radii.
    public var feather = 0.25
    /// How far colours move towards the photo's (0: the cartoon's own, 1: the photo's mean and spread).
    public var colourMatch = 1.0

    public init() {}

    /// The mask's weight at the square's (u, v): 1 inside, 0 outside, smooth across the edge.
    public func weight(u: Double, v: Double) -> Double {
        let r = (pow((u - centre.u) / radii.u, 2) + pow((v - centre.v) / radii.v, 2)).squareRoot()
        let t = min(max((1 - r) / feather, 0), 1)
        return t * t * (3 - 2 * t)
    }

    /// `photo` (any channels; the result is RGB) with `face` (a square RGB image) pasted through `quad`.
    public func composite(_ face: Image, into photo: Image, quad: FaceQuad) -> Image {
        let picture = photo.rgb(), cartoon = face.rgb()
        let (w, h, s) = (picture.width, picture.height, cartoon.width)
        let plane = w * h
        // The photo pixels the face covers, with the face's colour and the mask's weight there.
        var covered: [(index: Int, weight: Double, colour: [Double])] = []
        let box = bounds(quad, width: w, height: h)
        for y in box.y {
            for x in box.x {
                guard let (u, v) = quad.squarePoint(x: Double(x) + 0.5, y: Double(y) + 0.5) else { continue }
                let m = weight(u: u, v: v)
                guard m > 0 else { continue }
                covered.append((y * w + x, m, sample(cartoon, x: u * Double(s) - 0.5, y: v * Double(s) - 0.5)))
            }
        }
        let shift = colourShift(covered, photo: picture)
        var out = picture.samples
        for pixel in covered {
            for c in 0..<3 {
                let matched = (pixel.colour[c] - shift.faceMean[c]) * shift.scale[c] + shift.photoMean[c]
                let colour = pixel.colour[c] + colourMatch * (matched - pixel.colour[c])
                let original = Double(out[c * plane + pixel.index])
                out[c * plane + pixel.index] = Float(min(max(original + pixel.weight * (colour - original), 0), 1))
            }
        }
        return Image(width: w, height: h, channels: 3, samples: out, bitDepth: picture.bitDepth)
    }

    /// Per channel, the weighted means of the face and of the photo under the mask, and the ratio of
    /// their spreads (kept within 0.5...2, so a flat cartoon region is not blown up).
    func colourShift(_ covered: [(index: Int, weight: Double, colour: [Double])], photo: Image)
        -> (faceMean: [Double], photoMean: [Double], scale: [Double]) {
        let plane = photo.width * photo.height
        var faceMean = [0.0, 0, 0], photoMean = [0.0, 0, 0], total = 0.0
        for p in covered {
            total += p.weight
            for c in 0..<3 {
                faceMean[c] += p.weight * p.colour[c]
                photoMean[c] += p.weight * Double(photo.samples[c * plane + p.index])
            }
        }
        guard total > 0 else { return ([0, 0, 0], [0, 0, 0], [1, 1, 1]) }
        faceMean = faceMean.map { $0 / total }
        photoMean = photoMean.map { $0 / total }
        var faceVariance = [0.0, 0, 0], photoVariance = [0.0, 0, 0]
        for p in covered {
            for c in 0..<3 {
                faceVariance[c] += p.weight * pow(p.colour[c] - faceMean[c], 2)
                photoVariance[c] += p.weight * pow(Double(photo.samples[c * plane + p.index]) - photoMean[c], 2)
            }
        }
        let scale = (0..<3).map { c in
            faceVariance[c] > 1e-12 ? min(max((photoVariance[c] / faceVariance[c]).squareRoot(), 0.5), 2) : 1
        }
        return (faceMean, photoMean, scale)
    }

    /// The photo pixels the quad can reach.
    func bounds(_ quad: FaceQuad, width: Int, height: Int) -> (x: Range<Int>, y: Range<Int>) {
        let xs = [quad.topLeft.x, quad.bottomLeft.x, quad.bottomRight.x, quad.topRight.x]
        let ys = [quad.topLeft.y, quad.bottomLeft.y, quad.bottomRight.y, quad.topRight.y]
        func clamp(_ v: Double, _ limit: Int) -> Int { min(max(Int(v.rounded(.down)), 0), limit) }
        let x0 = clamp(xs.min()!, width), x1 = clamp(xs.max()!.rounded(.up) + 1, width)
        let y0 = clamp(ys.min()!, height), y1 = clamp(ys.max()!.rounded(.up) + 1, height)
        return (x0..<max(x0, x1), y0..<max(y0, y1))
    }

    /// Bilinear sample of an RGB image at pixel coordinates (centres at integers), edges clamped.
    func sample(_ image: Image, x: Double, y: Double) -> [Double] {
        let (w, h) = (image.width, image.height)
        let fx = min(max(x, 0), Double(w - 1)), fy = min(max(y, 0), Double(h - 1))
        let x0 = Int(fx), y0 = Int(fy), x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
        let ax = fx - Double(x0), ay = fy - Double(y0)
        return (0..<3).map { c in
            let base = c * w * h
            func at(_ x: Int, _ y: Int) -> Double { Double(image.samples[base + y * w + x]) }
            return (at(x0, y0) * (1 - ax) + at(x1, y0) * ax) * (1 - ay) + (at(x0, y1) * (1 - ax) + at(x1, y1) * ax) * ay
        }
    }
}
