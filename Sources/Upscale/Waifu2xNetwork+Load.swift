import Foundation
import ToonCore
import ToonIO

extension Waifu2xNetwork {
    /// Reads a model of `architecture` from a Chainer `.npz` (`chainer.serializers.save_npz`, as the
    /// wheel ships them). Every array the network needs must be there with its shape and nothing
    /// else may be; anything wrong is an error naming the file and the array.
    public static func load(_ architecture: Waifu2xArchitecture, from url: URL) throws(UpscaleError) -> Waifu2xNetwork {
        let arrays: TensorSet
        do { arrays = try NPZ.read(url) } catch {
            throw UpscaleError(file: url.path, .badModel(error.message))
        }
        var reader = ArrayReader(arrays: arrays, file: url.path, architecture: architecture)
        let body: Body
        switch architecture {
        case .upconv7, .vgg7:
            let widths = architecture == .upconv7 ? [3, 16, 32, 64, 128, 256, 256] : [3, 32, 32, 64, 64, 128, 128]
            let layers = try (1..<widths.count).map { k throws(UpscaleError) in
                try reader.convolution("conv\(k)", input: widths[k - 1], output: widths[k])
            }
            let last = widths.count
            let output: Output = architecture == .upconv7
                ? .doubling(try reader.array("conv\(last)/W", [256, 3, 4, 4]))
                : .convolution(try reader.convolution("conv\(last)", input: 128, output: 3))
            body = .plain(layers, output)
        case .upresnet10, .resnet10:
            let pre = try reader.convolution("conv_pre", input: 3, output: 64)
            let blocks = try (1...5).map { k throws(UpscaleError) in
                let name = "res\(k)"
                let excitation = architecture == .upresnet10
                    ? (try reader.array("\(name)/fc1/W", [16, 64]), try reader.array("\(name)/fc1/b", [16]),
                       try reader.array("\(name)/fc2/W", [64, 16]), try reader.array("\(name)/fc2/b", [64]))
                    : nil
                return ResidualBlock(first: try reader.convolution("\(name)/conv1", input: 64, output: 64),
                                     second: try reader.convolution("\(name)/conv2", input: 64, output: 64),
                                     excitation: excitation)
            }
            let bridge = try reader.convolution("conv_bridge", input: 64, output: 64)
            let post: Output = architecture == .upresnet10
                ? .doubling(try reader.array("conv_post/W", [64, 3, 4, 4]))
                : .convolution(try reader.convolution("conv_post", input: 64, output: 3))
            body = .residual(pre: pre, blocks: blocks, bridge: bridge, post: post)
        }
        try reader.requireAllUsed()
        return Waifu2xNetwork(architecture: architecture, file: url.path, body: body)
    }

    /// The arrays of one file, taken by name with their shapes checked.
    private struct ArrayReader {
        let arrays: TensorSet
        let file: String
        let architecture: Waifu2xArchitecture
        var used: Set<String> = []

        mutating func array(_ name: String, _ shape: [Int]) throws(UpscaleError) -> Tensor {
            guard let tensor = arrays[name] else {
                throw UpscaleError(file: file, .badModel("no array \(name) (is it a \(architecture.referenceName) model?)"))
            }
            guard tensor.shape == shape else {
                throw UpscaleError(file: file, .badModel("\(name) has shape \(tensor.shape), \(architecture.referenceName) needs \(shape)"))
            }
            guard tensor.scalars.allSatisfy(\.isFinite) else {
                throw UpscaleError(file: file, .badModel("\(name) holds values that are not finite"))
            }
            used.insert(name)
            return tensor
        }

        mutating func convolution(_ name: String, input: Int, output: Int) throws(UpscaleError) -> Convolution {
            Convolution(weight: try array("\(name)/W", [output, input, 3, 3]), bias: try array("\(name)/b", [output]))
        }

        func requireAllUsed() throws(UpscaleError) {
            if let extra = arrays.names.first(where: { !used.contains($0) }) {
                throw UpscaleError(file: file, .badModel("unexpected array \(extra) for \(architecture.referenceName)"))
            }
        }
    }
}
