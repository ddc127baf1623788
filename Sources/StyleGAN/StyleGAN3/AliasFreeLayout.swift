import Foundation
import ToonCore
import ToonIO

/// The sizes, sampling rates and filters of every StyleGAN3 layer, derived from the configuration
/// in float64 exactly as networks_stylegan3.py derives them (a geometric progression of cutoffs
/// and stopbands from the first layer to the critically sampled last ones).
struct AliasFreeLayout: Sendable {
    /// The Fourier-feature input.
    struct Input: Sendable {
        let channels: Int
        let size: Int
        let samplingRate: Double
        let bandwidth: Double
    }

    /// One synthesis layer (the last one is the toRGB layer).
    struct Layer: Sendable {
        let index: Int
        let isToRGB: Bool
        let inChannels: Int
        let outChannels: Int
        let inSize: Int
        let outSize: Int
        let kernel: Int
        let upFactor: Int
        let downFactor: Int
        let upTaps: Int
        let downTaps: Int
        let downRadial: Bool
        let inCutoff: Double
        let outCutoff: Double
        let inHalfWidth: Double
        let outHalfWidth: Double
        let temporaryRate: Double
        let padding: ResamplePadding

        /// NVLabs' module name, e.g. `L3_36_64`.
        var name: String { "L\(index)_\(outSize)_\(outChannels)" }

        /// The designed upsampling filter (identity when one tap).
        var upFilter: FIRFilter {
            LowpassDesign.filter(taps: upTaps, cutoff: inCutoff, width: inHalfWidth * 2, samplingRate: temporaryRate, radial: false)
        }

        /// The designed downsampling filter (2-D when radial).
        var downFilter: FIRFilter {
            LowpassDesign.filter(taps: downTaps, cutoff: outCutoff, width: outHalfWidth * 2, samplingRate: temporaryRate,
                                 radial: downRadial)
        }
    }

    let input: Input
    let layers: [Layer]

    init(_ config: GeneratorConfig, _ af: AliasFreeConfig) {
        let count = af.layerCount
        let resolution = Double(config.imageResolution)
        let lastCutoff = resolution / 2
        let lastStopband = lastCutoff * af.lastStopbandRelative
        var cutoffs: [Double] = [], stopbands: [Double] = [], rates: [Double] = [], halfWidths: [Double] = []
        var sizes: [Double] = [], channels: [Int] = []
        for i in 0...count {
            let exponent = min(Double(i) / Double(count - af.criticalLayerCount), 1)
            let cutoff = af.firstCutoff * pow(lastCutoff / af.firstCutoff, exponent)
            let stopband = af.firstStopband * pow(lastStopband / af.firstStopband, exponent)
            let rate = exp2(ceil(log2(min(stopband * 2, resolution))))
            cutoffs.append(cutoff)
            stopbands.append(stopband)
            rates.append(rate)
            halfWidths.append(max(stopband, rate / 2) - cutoff)
            sizes.append(i >= count - 1 ? resolution : rate + Double(af.marginSize * 2))
            let width = min((Double(config.channelBase) / 2) / cutoff, Double(config.channelMax))
            channels.append(i == count ? config.imageChannels : Int(width.rounded(.toNearestOrEven)))
        }
        input = Input(channels: channels[0], size: Int(sizes[0]), samplingRate: rates[0], bandwidth: cutoffs[0])
        layers = (0...count).map { i in
            let previous = max(i - 1, 0)
            let isToRGB = i == count
            let critical = i >= count - af.criticalLayerCount
            let (inRate, outRate) = (Double(Int(rates[previous])), Double(Int(rates[i])))
            let temporaryRate = max(inRate, outRate) * (isToRGB ? 1 : Double(af.leakyReLUUpsampling))
            let up = Int((temporaryRate / inRate).rounded(.toNearestOrEven))
            let down = Int((temporaryRate / outRate).rounded(.toNearestOrEven))
            let upTaps = up > 1 && !isToRGB ? af.filterSize * up : 1
            let downTaps = down > 1 && !isToRGB ? af.filterSize * down : 1
            let kernel = isToRGB ? 1 : af.convKernel
            let (inSize, outSize) = (Int(sizes[previous]), Int(sizes[i]))
            // The symmetric interpretation of sample positions (NVLabs, Appendix C.3 of the paper).
            var total = (outSize - 1) * down + 1
            total -= (inSize + kernel - 1) * up
            total += upTaps + downTaps - 2
            let low = floorDiv(total + up, 2), high = total - low
            return Layer(index: i, isToRGB: isToRGB, inChannels: channels[previous], outChannels: channels[i],
                         inSize: inSize, outSize: outSize, kernel: kernel, upFactor: up, downFactor: down,
                         upTaps: upTaps, downTaps: downTaps, downRadial: af.radialFilters && !critical,
                         inCutoff: cutoffs[previous], outCutoff: cutoffs[i], inHalfWidth: halfWidths[previous],
                         outHalfWidth: halfWidths[i], temporaryRate: temporaryRate,
                         padding: ResamplePadding(x0: low, x1: high, y0: low, y1: high))
        }
    }
}

extension AliasFreeLayout {
    /// Compares the filters a checkpoint stores (`synthesis.<layer>.up_filter`, `.down_filter`)
    /// with the ones designed here from its configuration; a difference means settings this
    /// design does not know (a fork's), so the generator would not be the one that was trained.
    /// Returns the first problem, or nil.
    func filterMismatch(stored: TensorSet) -> String? {
        for layer in layers {
            for (kind, designed) in [("up_filter", layer.upFilter), ("down_filter", layer.downFilter)] {
                let name = "synthesis.\(layer.name).\(kind)"
                guard let tensor = stored[name] else {
                    if designed.taps.count > 1 { return "missing \(name)" }
                    continue
                }
                let expectedShape = designed.isSeparable ? [designed.width] : [designed.height, designed.width]
                guard tensor.shape == expectedShape else {
                    return "\(name) has shape \(tensor.shape), but the stored configuration designs \(expectedShape)"
                }
                let largest = designed.taps.map(abs).max() ?? 1
                let difference = zip(tensor.scalars, designed.taps).map { abs($0 - $1) }.max() ?? 0
                guard difference <= 1e-6 * largest else {
                    return "\(name) differs from the filter its configuration designs (by \(difference)): unsupported StyleGAN3 variant"
                }
            }
        }
        return nil
    }
}
