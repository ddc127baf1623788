import ToonCore

/// A 5x5 (or 6x6) stride-2 convolution without padding, as the detector's downsampling layers are,
/// run as a 3x3 stride-1 convolution with padding 1 over the input's 2x2 blocks (each block's four
/// pixels become four times the channels). The engine then takes its Winograd path, which a strided
/// convolution cannot, instead of copying every input pixel 25 times for im2col; the filter padded
/// to 6x6 costs 36/25 of the multiply-adds, Winograd's F(2x2, 3x3) saves more than that.
enum SpaceToDepthConvolution {
    static func applies(_ c: DetectorConvolution) -> Bool {
        c.strideX == 2 && c.strideY == 2 && c.paddingX == 0 && c.paddingY == 0 && (5...6).contains(c.rows)
            && (5...6).contains(c.columns) && c.outputs >= minimumChannels && 4 * c.inputs >= minimumChannels
    }

    /// The engine's Winograd path wants this many channels in and out. The RGB layer has 12 block
    /// channels; padded with zero ones to 16 it ran slower than im2col (measured), so it stays there.
    static let minimumChannels = 16

    static func blockChannels(_ c: DetectorConvolution) -> Int { 4 * c.inputs }

    /// The filters over blocks [outputs, 4 x inputs, 3, 3]: block channel (by, bx, c) at block tap
    /// (ay, ax) is the filter's tap (2 ay + by, 2 ax + bx) of channel c, 0 past the filter's edge.
    static func blockWeights(_ c: DetectorConvolution) -> Tensor {
        let channels = blockChannels(c)
        var weights = [Float](repeating: 0, count: c.outputs * channels * 9)
        for o in 0..<c.outputs {
            for channel in 0..<c.inputs {
                for ky in 0..<c.rows {
                    for kx in 0..<c.columns {
                        let block = ((ky % 2) * 2 + kx % 2) * c.inputs + channel
                        weights[((o * channels + block) * 3 + ky / 2) * 3 + kx / 2] =
                            c.weight[((o * c.inputs + channel) * c.rows + ky) * c.columns + kx]
                    }
                }
            }
        }
        return Tensor(shape: [c.outputs, channels, 3, 3], scalars: weights)
    }

    /// `input` [1, inputs, H, W] through `c` with `blockWeights` and its epilogue (bias, relu).
    static func apply(_ c: DetectorConvolution, blockWeights: Tensor, epilogue: ConvEpilogue, to input: Tensor) -> Tensor {
        let (h, w) = (input.shape[2], input.shape[3])
        let size = c.outputSize(height: h, width: w)
        // Output (y, x) reads blocks y...y + 2: the padded convolution's output (y + 1, x + 1). Even
        // sides keep the engine on its Winograd path.
        let (blockH, blockW) = ((size.height + 3) / 2 * 2, (size.width + 3) / 2 * 2)
        let channels = blockChannels(c)
        var blocks = [Float](repeating: 0, count: channels * blockH * blockW)
        input.withUnsafeBufferPointer { x in
            blocks.withUnsafeMutableBufferPointer { b in
                let (x, b) = (SharedPointer(x.baseAddress!), SharedMutablePointer(b.baseAddress!))
                Parallel.forEach(4 * c.inputs * blockH, grain: 64) { rows in
                    for item in rows {
                        let (plane, i) = (item / blockH, item % blockH)
                        let (phase, channel) = (plane / c.inputs, plane % c.inputs)
                        let sourceRow = 2 * i + phase / 2
                        guard sourceRow < h else { continue }
                        let source = x.value + (channel * h + sourceRow) * w + phase % 2
                        let target = b.value + (plane * blockH + i) * blockW
                        for j in 0..<min(blockW, (w - phase % 2 + 1) / 2) { target[j] = source[2 * j] }
                    }
                }
            }
        }
        let padded = Tensor(shape: [1, channels, blockH, blockW], scalars: blocks)
            .conv2d(blockWeights, padding: 1, inputScale: nil, epilogue: epilogue)
        var output = [Float](repeating: 0, count: c.outputs * size.height * size.width)
        padded.withUnsafeBufferPointer { p in
            for o in 0..<c.outputs {
                for y in 0..<size.height {
                    let source = p.baseAddress! + (o * blockH + y + 1) * blockW + 1
                    let start = (o * size.height + y) * size.width
                    for x in 0..<size.width { output[start + x] = source[x] }
                }
            }
        }
        return Tensor(shape: [1, c.outputs, size.height, size.width], scalars: output)
    }
}
