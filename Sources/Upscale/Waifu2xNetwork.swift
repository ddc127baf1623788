import Foundation
import ToonCore

/// One waifu2x network with its weights, run on ToonKit's engine: every 3x3 convolution unpadded,
/// through the fused Winograd path with its bias and leaky ReLU (slope 0.1) applied in cache; the
/// doubling networks end in a 4x4 stride-2 transposed convolution (padding 3, no bias).
public struct Waifu2xNetwork: Sendable {
    public let architecture: Waifu2xArchitecture
    /// The model file it was read from.
    public let file: String
    let body: Body

    /// A 3x3 convolution [out, in, 3, 3] with its bias [out].
    struct Convolution: Sendable {
        let weight: Tensor
        let bias: Tensor

        /// conv(x) + bias, then leaky ReLU (0.1) when `activated`.
        func callAsFunction(_ x: Tensor, activated: Bool = true) -> Tensor {
            x.conv2d(weight, padding: 0, inputScale: nil,
                     epilogue: ConvEpilogue(bias: bias, activation: activated ? .leakyReLU(slope: 0.1) : .linear, gain: 1))
        }
    }

    /// The last layer: a convolution at the input's size, or Chainer's Deconvolution2D(ksize 4,
    /// stride 2, pad 3, no bias) with weight [in, out, 4, 4], which doubles and trims 3 pixels a side.
    enum Output: Sendable {
        case convolution(Convolution)
        case doubling(Tensor)

        func callAsFunction(_ x: Tensor) -> Tensor {
            switch self {
            case .convolution(let layer): layer(x, activated: false)
            case .doubling(let weight): x.transposedConv2d(weight, stride: 2, padding: 3)
            }
        }
    }

    /// `ResBlock` of srcnn.py: two activated convolutions, optionally squeeze-and-excitation (the
    /// channel means through fc1, ReLU, fc2, sigmoid, scaling the channels), plus the input trimmed
    /// by 2 pixels a side.
    struct ResidualBlock: Sendable {
        let first: Convolution
        let second: Convolution
        /// fc1 [c/r, c] and its bias, fc2 [c, c/r] and its bias (Chainer's Linear: y = x Wᵀ + b).
        let excitation: (fc1: Tensor, bias1: Tensor, fc2: Tensor, bias2: Tensor)?

        func callAsFunction(_ x: Tensor) -> Tensor {
            let h = second(first(x))
            let scale = excitation.map { se in
                let means = h.mean(axes: [2, 3])
                let squeezed = (means.matmul(se.fc1, transposeOther: true) + se.bias1.reshaped([1, -1])).maximum(Tensor(0))
                return (squeezed.matmul(se.fc2, transposeOther: true) + se.bias2.reshaped([1, -1])).sigmoid()
            }
            return Waifu2xNetwork.addTrimmed(h, scale: scale, x, border: 2)
        }
    }

    enum Body: Sendable {
        /// VGG7 and UpConv7: activated convolutions, then the output layer.
        case plain([Convolution], Output)
        /// ResNet10 and UpResNet10: conv_pre (activated), five residual blocks, conv_bridge
        /// (activated) plus conv_pre's output trimmed by 11 pixels a side, then conv_post.
        case residual(pre: Convolution, blocks: [ResidualBlock], bridge: Convolution, post: Output)
    }

    /// The network on a batch of tiles x [N, 3, S, S] (RGB in 0...1): [N, 3, T, T] with
    /// T = (S - 2 * offset / innerScale) * innerScale, unclipped.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == 3, "\(architecture.referenceName) takes [N, 3, H, W] tiles, not \(x.shape)")
        switch body {
        case let .plain(layers, output):
            return output(layers.reduce(x) { h, layer in layer(h) })
        case let .residual(pre, blocks, bridge, post):
            let start = pre(x)
            let trunk = bridge(blocks.reduce(start) { h, block in block(h) })
            return post(Self.addTrimmed(trunk, scale: nil, start, border: 11))
        }
    }

    /// h * scale[n, c] + skip[n, c, border..<H-border, border..<W-border] for h [N, C, H', W'] with
    /// H' = H - 2 border: one pass over the planes, no trimmed copy of `skip`.
    static func addTrimmed(_ h: Tensor, scale: Tensor?, _ skip: Tensor, border: Int) -> Tensor {
        let (n, c, height, width) = (h.shape[0], h.shape[1], h.shape[2], h.shape[3])
        precondition(skip.shape == [n, c, height + 2 * border, width + 2 * border], "skip \(skip.shape) for \(h.shape)")
        let h = h.contiguous(), skip = skip.contiguous(), factors = scale?.contiguous()
        var out = Tensor(uninitializedShape: h.shape)
        let skipWidth = width + 2 * border, skipPlane = skipWidth * (height + 2 * border)
        h.withUnsafeBufferPointer { ph in
            skip.withUnsafeBufferPointer { ps in
                out.withUnsafeMutableBufferPointer { po in
                    let (ph, ps, po) = (ph.baseAddress!, ps.baseAddress!, po.baseAddress!)
                    let factors = factors?.scalars
                    Parallel.forEach(n * c, grain: Swift.max(1, 32_768 / (height * width))) { planes in
                        for plane in planes {
                            let factor = factors?[plane] ?? 1
                            for y in 0..<height {
                                let from = ph + (plane * height + y) * width, to = po + (plane * height + y) * width
                                let extra = ps + plane * skipPlane + (y + border) * skipWidth + border
                                for x in 0..<width { to[x] = from[x] * factor + extra[x] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
