import Foundation
import ToonCore
import ToonNN

/// How per-pixel noise is chosen: the stored constant buffers (reproducible, as NVLabs'
/// `noise_mode='const'`), fresh Gaussian noise from a seed, or none.
public enum NoiseMode: Sendable, Equatable {
    case const
    case random(seed: UInt32)
    /// Rows `rows` of the noise `random(seed:)` draws for a batch of `total` images: one rank's
    /// share of a data-parallel batch gets exactly the noise the whole batch would (docs/distributed.md).
    case randomRows(seed: UInt32, rows: [Int], total: Int)
    case none

    /// The seed of layer `index`'s noise in `random(seed:)`: one stream per layer, so a layer's noise
    /// does not depend on the batch before it.
    static func layerSeed(_ seed: UInt32, _ index: Int) -> UInt32 {
        seed &+ UInt32(truncatingIfNeeded: index &* 0x9E37_79B9)
    }

    /// Fresh unscaled noise [n, 1, R, R] for layer `index` (nil unless the mode draws it).
    func drawn(batch n: Int, resolution r: Int, layer index: Int) -> Tensor? {
        switch self {
        case .random(let seed): return Tensor.randomNormal(shape: [n, 1, r, r], seed: Self.layerSeed(seed, index))
        case .randomRows(let seed, let rows, let total):
            precondition(rows.count == n, "noise: \(rows.count) rows for a batch of \(n)")
            let all = Tensor.randomNormal(shape: [total, 1, r, r], seed: Self.layerSeed(seed, index)).scalars
            let plane = r * r
            return Tensor(shape: [n, 1, r, r], scalars: rows.flatMap { all[($0 * plane)..<(($0 + 1) * plane)] })
        case .const, .none: return nil
        }
    }
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
        let weight = p["\(name).weight"], bias = p["\(name).bias"], noiseStrength = p["\(name).noise_strength"]
        let activation = Activation.leakyReLU(slope: 0.2)
        // Unscaled noise: the stored map ([R, R]) or fresh noise per image ([N, 1, R, R]).
        let noiseMap: Tensor? = switch noiseMode {
        case .const: p["\(name).noise_const"]
        case .random, .randomRows: noiseMode.drawn(batch: n, resolution: resolution, layer: noiseIndex)
        case .none: nil
        }
        // The noise map records too when it is a projection's leaf.
        let noiseRecords = noiseMap.map { Tensor.shouldRecord($0) } ?? false
        if !noiseRecords && !Tensor.shouldRecord(x, styles, weight, bias, noiseStrength) {
            var epilogue = ConvEpilogue(bias: bias, activation: activation, gain: activation.defaultGain * gain,
                                        clamp: convClamp.map { $0 * gain })
            if let noiseMap {
                epilogue.noise = noiseMap
                epilogue.noiseStrength = noiseStrength.scalar
            }
            return ModulatedConv.inference(x, weight: weight, styles: styles, demodulate: true, up: up, filter: filter,
                                           epilogue: epilogue)
        }
        if !Tensor.shouldRecord(weight, bias, noiseStrength) {
            // A frozen generator (a projection): one recorded op, whose backward pass skips the
            // composed ops' intermediates.
            let epilogue = ConvEpilogue(noiseStrength: noiseStrength.scalar, bias: bias, activation: activation,
                                        gain: activation.defaultGain * gain, clamp: convClamp.map { $0 * gain })
            return x.scaledConv2d(weight, padding: 1, upsampling: up ? ModulatedConv.upsampling(filter: filter, kernel: 3) : nil,
                                  inputScale: styles, outputScale: ModulatedConv.demodulation(weight: weight, styles: styles),
                                  noise: noiseMap, epilogue: epilogue)
        }
        let noise = noiseMap.map { $0.reshaped([$0.count / (resolution * resolution), 1, resolution, resolution])
            * noiseStrength.reshaped([1, 1, 1, 1]) }
        let y = ModulatedConv.apply(x, weight: weight, styles: styles, demodulate: true, up: up,
                                    filter: filter, noise: noise)
        return y.biasActivation(bias, activation: activation, gain: activation.defaultGain * gain,
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
        let weight = p["\(name).weight"], bias = p["\(name).bias"]
        if !Tensor.shouldRecord(x, styles, weight, bias) {
            return ModulatedConv.inference(x, weight: weight, styles: styles, demodulate: false, up: false, filter: filter,
                                           epilogue: ConvEpilogue(bias: bias, activation: .linear, clamp: convClamp))
        }
        if !Tensor.shouldRecord(weight, bias) {
            return x.scaledConv2d(weight, padding: 0, inputScale: styles, outputScale: nil, noise: nil,
                                  epilogue: ConvEpilogue(bias: bias, activation: .linear, clamp: convClamp))
        }
        let y = ModulatedConv.apply(x, weight: weight, styles: styles, demodulate: false, up: false, filter: filter)
        return y.biasActivation(bias, activation: .linear, clamp: convClamp)
    }
}
