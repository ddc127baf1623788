import Foundation
import ToonCore
import ToonNN

/// One resolution of the synthesis network (NVLabs SynthesisBlock): a learned constant or an
/// upsampling conv, a second conv, and a toRGB whose image is added to the upsampled previous one
/// ("skip"), or a residual 1x1 path ("resnet").
struct SynthesisBlock: Sendable {
    let resolution: Int
    let inChannels: Int
    let outChannels: Int
    let architecture: GeneratorConfig.Architecture
    let isLast: Bool
    let conv0: SynthesisLayer?
    let conv1: SynthesisLayer
    let toRGB: ToRGBLayer?
    let skip: EqualConv2d?
    var name: String { "synthesis.b\(resolution)" }

    init(config: GeneratorConfig, resolution: Int) {
        self.resolution = resolution
        inChannels = resolution == 4 ? 0 : config.channels(at: resolution / 2)
        outChannels = config.channels(at: resolution)
        architecture = config.architecture
        isLast = resolution == config.imageResolution
        let prefix = "synthesis.b\(resolution)"
        conv0 = inChannels == 0 ? nil : SynthesisLayer("\(prefix).conv0", inChannels: inChannels, outChannels: outChannels,
                                                        wDim: config.wDim, resolution: resolution, up: true,
                                                        convClamp: config.convClamp)
        conv1 = SynthesisLayer("\(prefix).conv1", inChannels: outChannels, outChannels: outChannels, wDim: config.wDim,
                               resolution: resolution, up: false, convClamp: config.convClamp)
        toRGB = (isLast || architecture == .skip)
            ? ToRGBLayer("\(prefix).torgb", inChannels: outChannels, outChannels: config.imageChannels,
                         wDim: config.wDim, convClamp: config.convClamp)
            : nil
        skip = (inChannels != 0 && architecture == .resnet)
            ? EqualConv2d("\(prefix).skip", inChannels: inChannels, outChannels: outChannels, kernel: 1, bias: false)
            : nil
    }

    var convCount: Int { conv0 == nil ? 1 : 2 }
    var toRGBCount: Int { toRGB == nil ? 0 : 1 }

    func declare(into spec: inout ParameterSpec) {
        if inChannels == 0 { spec.declare("\(name).const", shape: [outChannels, resolution, resolution], .normal(scale: 1)) }
        conv0?.declare(into: &spec)
        conv1.declare(into: &spec)
        toRGB?.declare(into: &spec)
        skip?.declare(into: &spec)
    }

    /// ws: [N, convCount + toRGBCount, wDim]; noise layers are numbered from `firstNoiseIndex`.
    func callAsFunction(previous: Tensor?, image: Tensor?, ws: Tensor, _ p: ParameterStore, noiseMode: NoiseMode,
                        firstNoiseIndex: Int, filter: FIRFilter) -> (x: Tensor, image: Tensor?) {
        let n = ws.shape[0]
        var wIndex = 0
        func nextW() -> Tensor {
            defer { wIndex += 1 }
            return ws.slice(axis: 1, wIndex..<(wIndex + 1)).reshaped([n, ws.shape[2]])
        }
        var x: Tensor
        if let conv0, let input = previous {
            if let skip {
                let residual = skip(input.upsample2d(filter), p, gain: Float(0.5).squareRoot())
                x = conv0(input, w: nextW(), p, noiseMode: noiseMode, noiseIndex: firstNoiseIndex, filter: filter)
                x = conv1(x, w: nextW(), p, noiseMode: noiseMode, noiseIndex: firstNoiseIndex + 1, filter: filter,
                          gain: Float(0.5).squareRoot())
                x = residual + x
            } else {
                x = conv0(input, w: nextW(), p, noiseMode: noiseMode, noiseIndex: firstNoiseIndex, filter: filter)
                x = conv1(x, w: nextW(), p, noiseMode: noiseMode, noiseIndex: firstNoiseIndex + 1, filter: filter)
            }
        } else {
            let constant = p["\(name).const"]
            x = constant.reshaped([1] + constant.shape).expanded(to: [n] + constant.shape)
            x = conv1(x, w: nextW(), p, noiseMode: noiseMode, noiseIndex: firstNoiseIndex, filter: filter)
        }
        var image = image.map { $0.upsample2d(filter) }
        if let toRGB {
            let rgb = toRGB(x, w: nextW(), p, filter: filter)
            image = image.map { $0 + rgb } ?? rgb
        }
        return (x, image)
    }
}

/// ws -> image: the blocks from 4x4 up to the output resolution (NVLabs SynthesisNetwork).
struct SynthesisNetwork: Sendable {
    let config: GeneratorConfig
    let blocks: [SynthesisBlock]
    let filter: FIRFilter

    init(_ config: GeneratorConfig) {
        self.config = config
        blocks = config.blockResolutions.map { SynthesisBlock(config: config, resolution: $0) }
        filter = setupFilter(config.resampleFilter)
    }

    func declare(into spec: inout ParameterSpec) {
        for block in blocks { block.declare(into: &spec) }
    }

    /// ws: [N, numWs, wDim] -> image [N, imageChannels, R, R]. Each block reads its conv ws and
    /// shares its toRGB w with the next block's first conv, as NVLabs does.
    func synthesize(ws: Tensor, _ p: ParameterStore, noiseMode: NoiseMode) -> Tensor {
        var x: Tensor? = nil, image: Tensor? = nil
        var wIndex = 0, noiseIndex = 0
        for block in blocks {
            let count = block.convCount + block.toRGBCount
            let blockWs = ws.slice(axis: 1, wIndex..<(wIndex + count))
            (x, image) = block(previous: x, image: image, ws: blockWs, p, noiseMode: noiseMode,
                               firstNoiseIndex: noiseIndex, filter: filter)
            wIndex += block.convCount
            noiseIndex += block.convCount
        }
        return image!
    }
}

extension SynthesisNetwork {
    /// Every style affine (conv and toRGB) with the index of the w it reads, in synthesis order:
    /// the same indexing `synthesize` uses, so editors can find the layers behind a ws range.
    var styleAffines: [(wIndex: Int, name: String)] {
        var result: [(wIndex: Int, name: String)] = []
        var wIndex = 0
        for block in blocks {
            var index = wIndex
            if let conv0 = block.conv0 { result.append((index, conv0.affine.name)); index += 1 }
            result.append((index, block.conv1.affine.name)); index += 1
            if let toRGB = block.toRGB { result.append((index, toRGB.affine.name)) }
            wIndex += block.convCount
        }
        return result
    }
}
