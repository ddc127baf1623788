import Foundation
import ToonCore
import ToonNN

/// How per-pixel noise is chosen: the stored constant buffers (reproducible, as NVLabs'
/// `noise_mode='const'`), fresh Gaussian noise from a seed, or none.
public enum NoiseMode: Sendable, Equatable {
    case const
    case random(seed: UInt32)
    case none
}

/// One modulated 3x3 convolution with noise, bias and leaky ReLU (NVLabs SynthesisLayer).
struct SynthesisLayer: Sendable {
    let name: String
    let inChannels: Int
    let outChannels: Int
    let resolution: Int
    let up: Bool
    let affine: EqualLinear
    let convClamp: Float?

    init(_ name: String, inChannels: Int, outChannels: Int, wDim: Int, resolution: Int, up: Bool, convClamp: Float?) {
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.resolution = resolution
        self.up = up
        self.convClamp = convClamp
        affine = EqualLinear("\(name).affine", inFeatures: wDim, outFeatures: inChannels, biasInit: 1)
    }

    func declare(into spec: inout ParameterSpec) {
        affine.declare(into: &spec)
        spec.declare("\(name).weight", shape: [outChannels, inChannels, 3, 3], .normal(scale: 1))
        spec.declare("\(name).noise_strength", shape: [], .zeros)
        spec.declare("\(name).bias", shape: [outChannels], .zeros)
        spec.declare("\(name).noise_const", shape: [resolution, resolution], .normal(scale: 1))
    }

    func callAsFunction(_ x: Tensor, w: Tensor, _ p: ParameterStore, noiseMode: NoiseMode, noiseIndex: Int,
                        filter: FIRFilter, gain: Float = 1) -> Tensor {
        let styles = affine(w, p)
        let n = x.shape[0]
        let strength = p["\(name).noise_strength"].reshaped([1, 1, 1, 1])
        let noise: Tensor?
        switch noiseMode {
        case .const: noise = p["\(name).noise_const"].reshaped([1, 1, resolution, resolution]) * strength
        case .random(let seed):
            // One stream per layer, so a layer's noise does not depend on the batch before it.
            let layerSeed = seed &+ UInt32(truncatingIfNeeded: noiseIndex &* 0x9E37_79B9)
            noise = Tensor.randomNormal(shape: [n, 1, resolution, resolution], seed: layerSeed) * strength
        case .none: noise = nil
        }
        let y = ModulatedConv.apply(x, weight: p["\(name).weight"], styles: styles, demodulate: true, up: up,
                                    filter: filter, noise: noise)
        let activation = Activation.leakyReLU(slope: 0.2)
        return y.biasActivation(p["\(name).bias"], activation: activation, gain: activation.defaultGain * gain,
                                clamp: convClamp.map { $0 * gain })
    }
}

/// The 1x1 modulated convolution to RGB, without demodulation (NVLabs ToRGBLayer).
struct ToRGBLayer: Sendable {
    let name: String
    let inChannels: Int
    let outChannels: Int
    let affine: EqualLinear
    let convClamp: Float?

    init(_ name: String, inChannels: Int, outChannels: Int, wDim: Int, convClamp: Float?) {
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.convClamp = convClamp
        affine = EqualLinear("\(name).affine", inFeatures: wDim, outFeatures: inChannels, biasInit: 1)
    }

    func declare(into spec: inout ParameterSpec) {
        affine.declare(into: &spec)
        spec.declare("\(name).weight", shape: [outChannels, inChannels, 1, 1], .normal(scale: 1))
        spec.declare("\(name).bias", shape: [outChannels], .zeros)
    }

    func callAsFunction(_ x: Tensor, w: Tensor, _ p: ParameterStore, filter: FIRFilter) -> Tensor {
        let styles = affine(w, p) * (1 / Float(inChannels).squareRoot())
        let y = ModulatedConv.apply(x, weight: p["\(name).weight"], styles: styles, demodulate: false, up: false,
                                    filter: filter)
        return y.biasActivation(p["\(name).bias"], activation: .linear, clamp: convClamp)
    }
}
