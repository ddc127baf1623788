import Faces
import Foundation
import ToonCore
import ToonIO

/// Cutting an aligned face out of a frame along its `FaceSquare`, and putting a stylized one back.
public enum FaceCrop {
    /// The square's pixels as a [1, 3, side, side] tensor in [-1, 1]: bilinear taps (edges clamped),
    /// averaged over an n x n grid per pixel where the square is more than `side` pixels wide, so a
    /// large face is not aliased on the way down.
    public static func cut(_ frame: RGBFrame, square: FaceSquare, side: Int) -> Tensor {
        let n = min(max(Int((square.side / Double(side)).rounded(.up)), 1), 4)
        let plane = side * side
        var out = [Float](repeating: 0, count: 3 * plane)
        let (w, h) = (frame.width, frame.height)
        frame.pixels.withUnsafeBufferPointer { bytes in
            out.withUnsafeMutableBufferPointer { target in
                let target = target.baseAddress!
                Parallel.forEach(side, grain: 8) { rows in
                    for row in rows {
                        for column in 0..<side {
                            var sum: (Float, Float, Float) = (0, 0, 0)
                            for sy in 0..<n {
                                for sx in 0..<n {
                                    let u = (Double(column) + (Double(sx) + 0.5) / Double(n)) / Double(side)
                                    let v = (Double(row) + (Double(sy) + 0.5) / Double(n)) / Double(side)
                                    let p = square.point(u: u, v: v)
                                    let c = bilinear(bytes, width: w, height: h, x: p.x, y: p.y)
                                    sum = (sum.0 + c.0, sum.1 + c.1, sum.2 + c.2)
                                }
                            }
                            let scale = 1 / (Float(n * n) * 127.5)
                            let i = row * side + column
                            target[i] = sum.0 * scale - 1
                            target[plane + i] = sum.1 * scale - 1
                            target[2 * plane + i] = sum.2 * scale - 1
                        }
                    }
                }
            }
        }
        return Tensor(shape: [1, 3, side, side], scalars: out)
    }

    /// `face` ([1, 3, S, S] in [-1, 1]) blended into `frame` over its square under `mask`.
    public static func paste(_ face: Tensor, into frame: inout RGBFrame, square: FaceSquare, mask: FaceMask = FaceMask()) {
        precondition(face.shape.count == 4 && face.shape[1] == 3 && face.shape[2] == face.shape[3], "a face is [1, 3, S, S], not \(face.shape)")
        let side = face.shape[3]
        let (w, h) = (frame.width, frame.height)
        let corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map { square.point(u: $0.0, v: $0.1) }
        let x0 = max(Int(corners.map(\.x).min()!.rounded(.down)), 0), x1 = min(Int(corners.map(\.x).max()!.rounded(.up)) + 1, w)
        let y0 = max(Int(corners.map(\.y).min()!.rounded(.down)), 0), y1 = min(Int(corners.map(\.y).max()!.rounded(.up)) + 1, h)
        guard x0 < x1, y0 < y1 else { return }
        let samples = face.contiguous()
        samples.withUnsafeBufferPointer { faceSamples in
            frame.pixels.withUnsafeMutableBufferPointer { bytes in
                let bytes = bytes.baseAddress!
                Parallel.forEach(y1 - y0, grain: 8) { rows in
                    for row in rows {
                        let y = y0 + row
                        for x in x0..<x1 {
                            guard let (u, v) = square.unit(of: FacePoint(x: Double(x), y: Double(y))) else { continue }
                            let weight = Float(mask.weight(u: u, v: v))
                            guard weight > 0 else { continue }
                            let i = (y * w + x) * 3
                            let fx = u * Double(side) - 0.5, fy = v * Double(side) - 0.5
                            for c in 0..<3 {
                                let value = planeBilinear(faceSamples.baseAddress! + c * side * side, side: side, x: fx, y: fy)
                                let stylized = (value + 1) * 127.5
                                let original = Float(bytes[i + c])
                                bytes[i + c] = UInt8(min(max(original + weight * (stylized - original), 0), 255).rounded())
                            }
                        }
                    }
                }
            }
        }
    }

    /// RGB at (x, y) of interleaved 8-bit pixels, pixel centres at whole numbers, edges clamped.
    static func bilinear(_ bytes: UnsafeBufferPointer<UInt8>, width: Int, height: Int, x: Double, y: Double) -> (Float, Float, Float) {
        let fx = min(max(x, 0), Double(width - 1)), fy = min(max(y, 0), Double(height - 1))
        let ix = min(Int(fx), width - 1), iy = min(Int(fy), height - 1)
        let jx = min(ix + 1, width - 1), jy = min(iy + 1, height - 1)
        let ax = Float(fx - Double(ix)), ay = Float(fy - Double(iy))
        func at(_ px: Int, _ py: Int, _ c: Int) -> Float { Float(bytes[(py * width + px) * 3 + c]) }
        func channel(_ c: Int) -> Float {
            (at(ix, iy, c) * (1 - ax) + at(jx, iy, c) * ax) * (1 - ay) + (at(ix, jy, c) * (1 - ax) + at(jx, jy, c) * ax) * ay
        }
        return (channel(0), channel(1), channel(2))
    }

    /// One plane of `side` x `side` floats at (x, y), edges clamped.
    static func planeBilinear(_ plane: UnsafePointer<Float>, side: Int, x: Double, y: Double) -> Float {
        let fx = min(max(x, 0), Double(side - 1)), fy = min(max(y, 0), Double(side - 1))
        let ix = min(Int(fx), side - 1), iy = min(Int(fy), side - 1)
        let jx = min(ix + 1, side - 1), jy = min(iy + 1, side - 1)
        let ax = Float(fx - Double(ix)), ay = Float(fy - Double(iy))
        return (plane[iy * side + ix] * (1 - ax) + plane[iy * side + jx] * ax) * (1 - ay)
            + (plane[jy * side + ix] * (1 - ax) + plane[jy * side + jx] * ax) * ay
    }
}

/// The feathered region of the aligned square that is pasted back: an ellipse from forehead to
/// chin (FFHQ alignment puts the eyes near 0.4 of the height and the mouth near 0.7), full inside,
/// fading to nothing across `feather` of its radii, so no seam shows against the frame.
public struct FaceMask: Sendable, Equatable {
    /// The ellipse's centre in the square's unit coordinates.
    public var centre = (u: 0.5, v: 0.52)
    /// Its half-width and half-height, in the same units.
    public var radii = (u: 0.36, v: 0.45)
    /// Width of the soft edge, as a fraction of the radii.
    public var feather = 0.3

    /// The default ellipse.
    public init() {}

    /// Equal when every number is.
    public static func == (a: FaceMask, b: FaceMask) -> Bool {
        a.centre == b.centre && a.radii == b.radii && a.feather == b.feather
    }

    /// 1 inside, 0 outside, a smoothstep across the edge.
    public func weight(u: Double, v: Double) -> Double {
        let du = (u - centre.u) / radii.u, dv = (v - centre.v) / radii.v
        let r = (du * du + dv * dv).squareRoot()
        let t = min(max((1 - r) / feather, 0), 1)
        return t * t * (3 - 2 * t)
    }
}
