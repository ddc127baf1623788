import ToonCore
import ToonNN

/// One layer of the original StyleGAN's synthesis network (NVlabs/stylegan `G_synthesis`): an
/// optional convolution (plain 3x3, or upsampling 3x3 followed by the blur), then `layer_epilogue`:
/// per-channel noise, bias, activation, pixel norm, instance norm and the style modulation (AdaIN:
/// x * (scale + 1) + shift, scale and shift from an affine of w).
/// Names under `name`: weight [O, I, 3, 3], noise_strength [O], noise_const [R, R], bias [O],
/// style.weight [2 O, wDim], style.bias [2 O].
struct StyleLayer: Sendable {
    enum Kind: Sendable, Equatable {
        /// The 4x4 block's learned constant (the epilogue only; the constant is the block's).
        case constant
        case conv
        /// Upsampling 2x and 3x3 conv in one transposed conv; `fused` says which of NVLabs' two
        /// forms (they differ by a flip of the 4x4 kernel).
        case up(fused: Bool)
    }

    let name: String
    let kind: Kind
    let inChannels: Int
    let outChannels: Int
    let resolution: Int
    /// The layer's index: the w it reads and its noise input (`noise{index}` in the pickle).
    let index: Int
    let wDim: Int
    let settings: StyleGAN1Config

    /// Instance norm's epsilon (networks_stylegan.py).
    static let epsilon: Float = 1e-8

    func declare(into spec: inout ParameterSpec) {
        let wscale = settings.synthesisWScale
        if kind != .constant {
            let fanIn = Float(inChannels * 9)
            spec.declare("\(name).weight", shape: [outChannels, inChannels, 3, 3],
                         .normal(scale: wscale ? 1 : Float(2).squareRoot() / fanIn.squareRoot()))
        }
        if settings.useNoise {
            spec.declare("\(name).noise_strength", shape: [outChannels], .zeros)
            spec.declare("\(name).noise_const", shape: [resolution, resolution], .normal(scale: 1))
        }
        spec.declare("\(name).bias", shape: [outChannels], .zeros)
        spec.declare("\(name).style.weight", shape: [2 * outChannels, wDim],
                     .normal(scale: wscale ? 1 : 1 / Float(wDim).squareRoot()))
        spec.declare("\(name).style.bias", shape: [2 * outChannels], .zeros)
    }

    /// x: [N, inChannels, R/2 or R, ...] (the tiled constant for `.constant`), w: [N, wDim].
    func callAsFunction(_ x: Tensor, w: Tensor, _ p: ParameterStore, noiseMode: NoiseMode, blur: FIRFilter?) -> Tensor {
        let n = x.shape[0]
        var y = convolve(x, p, blur: blur)
        let noise = settings.useNoise ? noiseMap(noiseMode, batch: n, p) : nil
        let strength = settings.useNoise ? p["\(name).noise_strength"] : nil
        let bias = p["\(name).bias"]
        if !settings.usePixelNorm && !Tensor.shouldRecord(y, w, bias, p["\(name).style.weight"], p["\(name).style.bias"])
            && !(strength.map { Tensor.shouldRecord($0) } ?? false) && !(noise.map { Tensor.shouldRecord($0) } ?? false) {
            return Self.fusedEpilogue(y, noise: noise, strength: strength, bias: bias,
                                      slope: settings.nonlinearity == .lrelu ? 0.2 : 0,
                                      instanceNorm: settings.useInstanceNorm, styles: styles(w, p))
        }
        if let noise, let strength { y = y + noise * strength.reshaped([1, outChannels, 1, 1]) }
        y = y.biasActivation(bias, activation: settings.nonlinearity.activation, gain: 1)
        if settings.usePixelNorm { y = y.pixelNorm() }
        if settings.useInstanceNorm {
            y = y - y.mean(axes: [2, 3], keepDims: true)
            y = y * (y.square().mean(axes: [2, 3], keepDims: true) + Self.epsilon).rsqrt()
        }
        let style = styles(w, p)
        let scale = style.slice(axis: 1, 0..<outChannels).reshaped([n, outChannels, 1, 1]) + 1
        let shift = style.slice(axis: 1, outChannels..<(2 * outChannels)).reshaped([n, outChannels, 1, 1])
        return y * scale + shift
    }

    /// The unscaled noise: the stored map [1, 1, R, R], fresh noise [N, 1, R, R], or none.
    func noiseMap(_ mode: NoiseMode, batch n: Int, _ p: ParameterStore) -> Tensor? {
        switch mode {
        case .const: p["\(name).noise_const"].reshaped([1, 1, resolution, resolution])
        case .random, .randomRows: mode.drawn(batch: n, resolution: resolution, layer: index)
        case .none: nil
        }
    }

    /// The style affine: [N, wDim] -> [N, 2 outChannels] (scales - 1, then shifts).
    func styles(_ w: Tensor, _ p: ParameterStore) -> Tensor {
        let coefficient = StyleMapping.weightCoefficient(fanIn: wDim, gain: 1, wscale: settings.synthesisWScale, lrMultiplier: 1)
        return (w.matmul(p["\(name).style.weight"], transposeOther: true) * coefficient).biasActivation(p["\(name).style.bias"])
    }

    /// The layer's convolution, its runtime coefficient applied to the weight as TF does.
    func convolve(_ x: Tensor, _ p: ParameterStore, blur: FIRFilter?) -> Tensor {
        let coefficient = StyleMapping.weightCoefficient(fanIn: inChannels * 9, gain: Float(2).squareRoot(),
                                                         wscale: settings.synthesisWScale, lrMultiplier: 1)
        switch kind {
        case .constant:
            return x
        case .conv:
            return x.conv2d(p["\(name).weight"] * coefficient, padding: 1)
        case .up(let fused):
            // Both forms are nearest upsampling then a 3x3 conv: the fused one with the kernel
            // flipped (see upsamplingKernel). That conv takes the engine's Winograd path.
            var weight = p["\(name).weight"] * coefficient
            if fused { weight = weight.flipped(axes: [2, 3]) }
            let y = x.resized(scale: 2, mode: .nearest).conv2d(weight, padding: 1)
            return blur.map { Self.blur(y, $0) } ?? y
        }
    }

    /// The [in, out, 4, 4] transposed-conv weight that upsamples 2x and applies the 3x3 `weight`
    /// ([out, in, 3, 3]). NVLabs' fused form sums the 3x3 kernel over the four 1-pixel shifts
    /// (`upscale2d_conv2d` with fused_scale); nearest upsampling followed by the 3x3 conv equals
    /// the same transposed conv with that 4x4 kernel flipped. Since flipping commutes with the sum
    /// over shifts, the fused form is also nearest upsampling then the 3x3 conv with `weight`
    /// flipped, which is how `convolve` runs both (a test compares the two).
    static func upsamplingKernel(_ weight: Tensor, fused: Bool) -> Tensor {
        let padded = weight.padded([(0, 0), (0, 0), (1, 1), (1, 1)])
        func shift(_ y: Int, _ x: Int) -> Tensor { padded.slice(axis: 2, y..<(y + 4)).slice(axis: 3, x..<(x + 4)) }
        var kernel = shift(1, 1) + shift(0, 1) + shift(1, 0) + shift(0, 0)
        if !fused { kernel = kernel.flipped(axes: [2, 3]) }
        return kernel.permuted([1, 0, 2, 3])
    }

    /// TF `_blur2d`: depthwise cross-correlation with the normalised outer product, 'SAME' padding.
    static func blur(_ x: Tensor, _ filter: FIRFilter) -> Tensor {
        let before = (filter.width - 1) / 2, after = filter.width - 1 - before
        return x.upfirdn2d(filter, padding: ResamplePadding(x0: before, x1: after, y0: before, y1: after), flipFilter: true)
    }
}

/// The toRGB of one resolution (`ToRGB_lod{n}`): a 1x1 conv with bias, no activation.
struct StyleToRGB: Sendable {
    let name: String
    let inChannels: Int
    let outChannels: Int
    let wscale: Bool

    func declare(into spec: inout ParameterSpec) {
        spec.declare("\(name).weight", shape: [outChannels, inChannels, 1, 1],
                     .normal(scale: wscale ? 1 : 1 / Float(inChannels).squareRoot()))
        spec.declare("\(name).bias", shape: [outChannels], .zeros)
    }

    func callAsFunction(_ x: Tensor, _ p: ParameterStore) -> Tensor {
        let coefficient = StyleMapping.weightCoefficient(fanIn: inChannels, gain: 1, wscale: wscale, lrMultiplier: 1)
        return x.conv2d(p["\(name).weight"] * coefficient).biasActivation(p["\(name).bias"])
    }
}
