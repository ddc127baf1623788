import Foundation
import ToonCore
import ToonNN

/// One StyleGAN3 synthesis layer (NVLabs SynthesisLayer): a modulated convolution whose input is
/// scaled by the stored magnitude EMA, then the filtered leaky ReLU (bias, upsampling low-pass,
/// leaky ReLU with gain and clamp, downsampling low-pass). The last layer is the toRGB: 1x1, not
/// demodulated, linear, no resampling.
struct AliasFreeLayer: Sendable {
    let layout: AliasFreeLayout.Layer
    let name: String
    let affine: EqualLinear
    let activation: FilteredLeakyReLU

    init(_ layout: AliasFreeLayout.Layer, wDim: Int, convClamp: Float?) {
        self.layout = layout
        name = "synthesis.\(layout.name)"
        affine = EqualLinear("\(name).affine", inFeatures: wDim, outFeatures: layout.inChannels, biasInit: 1)
        activation = FilteredLeakyReLU(upFilter: layout.upFilter, up: layout.upFactor, downFilter: layout.downFilter,
                                       down: layout.downFactor, padding: layout.padding,
                                       gain: layout.isToRGB ? 1 : Float(2.0.squareRoot()), slope: layout.isToRGB ? 1 : 0.2,
                                       clamp: convClamp)
    }

    func declare(into spec: inout ParameterSpec) {
        affine.declare(into: &spec)
        let k = layout.kernel
        spec.declare("\(name).weight", shape: [layout.outChannels, layout.inChannels, k, k], .normal(scale: 1))
        spec.declare("\(name).bias", shape: [layout.outChannels], .zeros)
        spec.declare("\(name).magnitude_ema", shape: [], .constant(1))
    }

    /// x: [N, inChannels, inSize, inSize], w: [N, wDim] -> [N, outChannels, outSize, outSize].
    func callAsFunction(_ x: Tensor, w: Tensor, _ p: ParameterStore,
                        implementation: UpFirDnImplementation = .fast) -> Tensor {
        let n = x.shape[0], k = layout.kernel
        precondition(x.shape == [n, layout.inChannels, layout.inSize, layout.inSize],
                     "\(name): input \(x.shape), expected [N, \(layout.inChannels), \(layout.inSize), \(layout.inSize)]")
        let inputGain = 1 / p["\(name).magnitude_ema"].scalar.squareRoot()
        var styles = affine(w, p)
        let weight = p["\(name).weight"]
        let y: Tensor
        if layout.isToRGB {
            styles = styles * (inputGain / Float(layout.inChannels * k * k).squareRoot())
            y = x.conv2d(weight, padding: k - 1, inputScale: styles, epilogue: ConvEpilogue())
        } else {
            // NVLabs pre-normalises the weight per output channel and the styles over the whole
            // batch (a scale that demodulation cancels, up to its epsilon), then demodulates.
            let normalized = weight.derived("StyleGAN3 normalized weight", Self.normalizeRows)
            let energy = normalized.derived("StyleGAN3 weight energy") { $0.square().sum(axes: [2, 3]) }
            styles = styles * (1 / (styles.square().sum(axes: [0, 1]).scalar / Float(styles.count)).squareRoot())
            let coefficients = (styles.square().matmul(energy, transposeOther: true) + 1e-8).rsqrt() * inputGain
            // NVLabs pads by k - 1 (a "full" convolution). Padding the input by the difference first
            // leaves a "same" convolution, which takes the Winograd path for 3x3.
            let extra = (k - 1) - k / 2
            let input = extra == 0 ? x : x.padded([(0, 0), (0, 0), (extra, extra), (extra, extra)])
            y = input.conv2d(normalized, padding: k / 2, inputScale: styles, epilogue: ConvEpilogue(outputScale: coefficients))
        }
        return y.filteredLeakyReLU(bias: p["\(name).bias"], activation, implementation: implementation)
    }

    /// w / sqrt(mean of w^2 over each output channel's inputs and taps).
    static func normalizeRows(_ weight: Tensor) -> Tensor {
        let o = weight.shape[0], perRow = weight.count / o
        let meanSquare = weight.square().reshaped([o, perRow]).sum(axes: [1]) * (1 / Float(perRow))
        return weight * meanSquare.rsqrt().reshaped([o, 1, 1, 1])
    }
}
