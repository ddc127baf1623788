import ToonCore
import ToonNN

/// ws -> image for the original StyleGAN (NVlabs/stylegan `G_synthesis`), with progressive
/// growing's level of detail: at lod 0 (every released network) the image is the last block's
/// toRGB; at a fractional lod the image blends a block's toRGB with the nearest-upscaled image of
/// the block below, and blocks above the lod are not run, as the 'linear' structure computes it
/// (the 'recursive' one NVLabs evaluates with gives the same values).
/// Names: synthesis.b4.const [C, 4, 4]; per block `synthesis.b{R}` the layers `input` and `conv`
/// (4x4) or `conv0` (up) and `conv1`, and `torgb`; the two lod variables `lod` (G_style's, which
/// G_style assigns to the synthesis before it runs) and `synthesis.lod`.
struct StyleSynthesis: Sendable {
    struct Block: Sendable {
        let resolution: Int
        let layers: [StyleLayer]
        let toRGB: StyleToRGB
    }

    let config: GeneratorConfig
    let settings: StyleGAN1Config
    let blocks: [Block]
    let blur: FIRFilter?

    init(_ config: GeneratorConfig, _ settings: StyleGAN1Config) {
        self.config = config
        self.settings = settings
        blur = settings.blurFilter.isEmpty ? nil : setupFilter(settings.blurFilter)
        var blocks: [Block] = []
        for (step, r) in config.blockResolutions.enumerated() {
            let prefix = "synthesis.b\(r)", channels = config.channels(at: r)
            func layer(_ name: String, _ kind: StyleLayer.Kind, inChannels: Int, index: Int) -> StyleLayer {
                StyleLayer(name: "\(prefix).\(name)", kind: kind, inChannels: inChannels, outChannels: channels,
                           resolution: r, index: index, wDim: config.wDim, settings: settings)
            }
            let layers = step == 0
                ? [layer("input", .constant, inChannels: channels, index: 0), layer("conv", .conv, inChannels: channels, index: 1)]
                : [layer("conv0", .up(fused: settings.fusedScale.isFused(outputResolution: r)),
                         inChannels: config.channels(at: r / 2), index: 2 * step),
                   layer("conv1", .conv, inChannels: channels, index: 2 * step + 1)]
            blocks.append(Block(resolution: r, layers: layers,
                                toRGB: StyleToRGB(name: "\(prefix).torgb", inChannels: channels, outChannels: config.imageChannels,
                                                  wscale: settings.synthesisWScale)))
        }
        self.blocks = blocks
    }

    /// The deepest lod: only the 4x4 block shows.
    var maximumLod: Float { Float(blocks.count - 1) }

    func declare(into spec: inout ParameterSpec) {
        spec.declare("lod", shape: [], .zeros)
        spec.declare("synthesis.lod", shape: [], .zeros)
        spec.declare("synthesis.b4.const", shape: [config.channels(at: 4), 4, 4], .constant(1))
        for block in blocks {
            for layer in block.layers { layer.declare(into: &spec) }
            block.toRGB.declare(into: &spec)
        }
    }

    /// ws: [N, numWs, wDim] -> image [N, imageChannels, R, R].
    func synthesize(ws: Tensor, _ p: ParameterStore, noiseMode: NoiseMode) -> Tensor {
        let (n, wDim) = (ws.shape[0], ws.shape[2])
        let lod = p["lod"].scalar
        func w(_ i: Int) -> Tensor { ws.slice(axis: 1, i..<(i + 1)).reshaped([n, wDim]) }
        // lerp_clip's weight of the image from below at each block: clip(lod - level, 0, 1).
        let levels = blocks.indices.map { Float(blocks.count - 1 - $0) }
        let below = levels.map { Swift.min(Swift.max(lod - $0, 0), 1) }
        // Blocks whose weight is 1 show only the upscaled image from below: nothing above runs.
        let last = blocks.indices.first { $0 > 0 && below[$0] >= 1 }.map { $0 - 1 } ?? blocks.count - 1
        let constant = p["synthesis.b4.const"]
        var x = constant.reshaped([1] + constant.shape).expanded(to: [n] + constant.shape)
        var image: Tensor?
        for i in 0...last {
            let block = blocks[i]
            for layer in block.layers { x = layer(x, w: w(layer.index), p, noiseMode: noiseMode, blur: blur) }
            // A block's toRGB matters when it is the last one run or the next block blends it in.
            guard i == last || below[i + 1] > 0 else { continue }
            let rgb = block.toRGB(x, p)
            if let previous = image, below[i] > 0 {
                image = rgb + (previous.resized(scale: 2, mode: .nearest) - rgb) * below[i]
            } else {
                image = rgb
            }
        }
        var result = image!
        while result.shape[2] < config.imageResolution { result = result.resized(scale: 2, mode: .nearest) }
        return result
    }
}
