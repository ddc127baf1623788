import Foundation
import ToonCore
import ToonNN

/// StyleGAN3's input layer (NVLabs SynthesisInput): sinusoids of fixed frequencies and phases,
/// rotated and translated per image by an affine of w, then by the user transform stored in the
/// `transform` buffer (the inverse of the wanted image transform, as gen_images.py sets it),
/// sampled on the layer's grid and mixed by a learned channel matrix.
struct FourierInput: Sendable {
    let name = "synthesis.input"
    let layout: AliasFreeLayout.Input
    let wDim: Int

    init(_ layout: AliasFreeLayout.Input, wDim: Int) {
        self.layout = layout
        self.wDim = wDim
    }

    var affine: EqualLinear { EqualLinear("\(name).affine", inFeatures: wDim, outFeatures: 4) }

    func declare(into spec: inout ParameterSpec) {
        let c = layout.channels
        spec.declare("\(name).weight", shape: [c, c], .normal(scale: 1))
        // NVLabs starts the affine at zero weights and bias (1, 0, 0, 0): no rotation, no translation.
        spec.declare("\(name).affine.weight", shape: [4, wDim], .zeros)
        spec.declare("\(name).affine.bias", shape: [4], .values([1, 0, 0, 0]))
        spec.declare("\(name).transform", shape: [3, 3], .values([1, 0, 0, 0, 1, 0, 0, 0, 1]))
        // Fresh models get frequencies of the right scale (NVLabs draws them uniformly from a disc
        // and stores them, so loaded models always carry their own).
        spec.declare("\(name).freqs", shape: [c, 2], .normal(scale: Float(layout.bandwidth / 2)))
        spec.declare("\(name).phases", shape: [c], .zeros)
    }

    /// w: [N, wDim] -> features [N, channels, size, size].
    func callAsFunction(_ w: Tensor, _ p: ParameterStore) -> Tensor {
        let n = w.shape[0], c = layout.channels, size = layout.size
        let t = affine(w, p).scalars
        let user = p["\(name).transform"].scalars
        let freqs = p["\(name).freqs"].scalars, phases = p["\(name).phases"].scalars
        let rate = Float(layout.samplingRate), bandwidth = Float(layout.bandwidth)
        // Sample positions: pixel centres in units of the sampling period, centred (affine_grid
        // with align_corners=False, scaled by size / 2 / rate).
        let scale = 0.5 * Float(size) / rate
        let grid = (0..<size).map { ((2 * Float($0) + 1) / Float(size) - 1) * scale }
        var features = [Float](repeating: 0, count: n * c * size * size)
        for image in 0..<n {
            let m = transform(t[(image * 4)..<(image * 4 + 4)], user: user)
            for channel in 0..<c {
                let (fx, fy) = (freqs[channel * 2], freqs[channel * 2 + 1])
                let phase = phases[channel] + (fx * m[2] + fy * m[5])
                let ux = fx * m[0] + fy * m[3], uy = fx * m[1] + fy * m[4]  // the frequency, transformed
                // Damp frequencies the user transform pushes out of band.
                let norm = (ux * ux + uy * uy).squareRoot()
                let amplitude = min(max(1 - (norm - bandwidth) / (rate / 2 - bandwidth), 0), 1)
                let base = (image * c + channel) * size * size
                for row in 0..<size {
                    let rowTerm = grid[row] * uy
                    for column in 0..<size {
                        let argument = (grid[column] * ux + rowTerm) + phase
                        features[base + row * size + column] = sin(argument * (2 * Float.pi)) * amplitude
                    }
                }
            }
        }
        let x = Tensor(shape: [n, c, size * size], scalars: features)
        let mix = p["\(name).weight"] * (1 / Float(c).squareRoot())
        let mixed = (0..<n).map { mix.matmul(x.slice(axis: 0, $0..<($0 + 1)).reshaped([c, size * size])) }
        return Tensor.concatenate(mixed, axis: 0).reshaped([n, c, size, size])
    }

    /// The first two rows of rotation(t) · translation(t) · user, row-major: the per-image
    /// transform with t = (cos, sin, tx, ty) normalised to a unit rotation.
    private func transform(_ t: ArraySlice<Float>, user u: [Float]) -> [Float] {
        let t = Array(t)
        let length = (t[0] * t[0] + t[1] * t[1]).squareRoot()
        let (cosine, sine, tx, ty) = (t[0] / length, t[1] / length, t[2] / length, t[3] / length)
        // rotation · translation = [[c, -s, -(c tx - s ty)], [s, c, -(s tx + c ty)], [0, 0, 1]]
        let r: [Float] = [cosine, -sine, -(cosine * tx) + sine * ty, sine, cosine, -(sine * tx) - cosine * ty, 0, 0, 1]
        var m = [Float](repeating: 0, count: 6)
        for row in 0..<2 {
            for column in 0..<3 {
                m[row * 3 + column] = r[row * 3] * u[column] + r[row * 3 + 1] * u[3 + column] + r[row * 3 + 2] * u[6 + column]
            }
        }
        return m
    }
}
