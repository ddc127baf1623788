import Foundation
import ToonCore
import ToonIO
import ToonNN

// The student as a standard ONNX model (opset 17), built from Conv, ConvTranspose, LeakyRelu, Mul,
// Add, Clip, Concat and, for the degree plane, ReduceMean and Reshape. Weights are stored already
// scaled by their equalized-learning-rate gain; the FIR resampling becomes depthwise convolutions
// with the same taps and paddings as ToonKit's upfirdn2d, so the file computes the same function.

extension StudentModel {
    /// The ONNX model's bytes: input `image` [N, 3, H, W] (and `degree` [N] for a degree-input
    /// student), output `stylized` [N, 3, H, W]; H and W divisible by 2^levels.
    public func onnx() -> [UInt8] {
        var graph = ONNXGraph()
        graph.inputs = [.init(name: "image", dims: [.symbol("N"), .fixed(3), .symbol("H"), .symbol("W")])]
        var h = "image"
        if config.degreeInput {
            graph.inputs.append(.init(name: "degree", dims: [.symbol("N")]))
            // A zero plane of the image's size plus the degree broadcast over it.
            let mean = graph.add("ReduceMean", ["image"], [("axes", .ints([1])), ("keepdims", .int(1))])
            let zeros = graph.add("Mul", [mean, graph.constant("zero", Tensor(0))])
            let degree = graph.add("Reshape", ["degree", graph.integers("degree_shape", [-1, 1, 1, 1], shape: [4])])
            h = graph.add("Concat", ["image", graph.add("Add", [zeros, degree])], [("axis", .int(1))])
        }
        let net = network
        var skips: [String] = []
        h = convolution(net.encoder[0], h, &graph)
        for level in 1...config.levels {
            skips.append(h)
            h = convolution(net.encoder[level], depthwiseFIR(h, channels: net.encoder[level].inChannels, &graph), &graph, stride: 2)
        }
        for (a, b) in net.bridge {
            let branch = convolution(b, convolution(a, h, &graph), &graph)
            h = graph.add("Mul", [graph.add("Add", [h, branch]), graph.constant("half_root", Tensor(Float(0.5).squareRoot()))])
        }
        for (index, layer) in net.decoder.enumerated() {
            let level = config.levels - 1 - index
            let channels = layer.inChannels - config.channels(level)
            h = convolution(layer, graph.add("Concat", [upsampled(h, channels: channels, &graph), skips[level]], [("axis", .int(1))]), &graph)
        }
        h = convolution(net.toRGB, h, &graph)
        let output = graph.add("Identity", [h], stem: "stylized")
        graph.outputs = [.init(name: output, dims: [.symbol("N"), .fixed(3), .symbol("H"), .symbol("W")])]
        return graph.encoded(producer: "ToonKit")
    }

    /// Writes `onnx()` to `url` atomically.
    public func writeONNX(to url: URL) throws(ToonIOError) {
        try AtomicFile.write(Data(onnx()), to: url)
    }

    /// The layer's "same" convolution (its weight scaled), bias, activation with its gain, and clamp.
    private func convolution(_ layer: EqualConv2d, _ x: String, _ graph: inout ONNXGraph, stride: Int = 1) -> String {
        let weight = parameters["\(layer.name).weight"] * layer.weightGain
        var inputs = [x, graph.constant("\(layer.name).weight", weight)]
        if layer.hasBias { inputs.append(graph.constant("\(layer.name).bias", parameters["\(layer.name).bias"])) }
        let pad = stride == 1 ? layer.kernel / 2 : 0
        var y = graph.add("Conv", inputs, [("kernel_shape", .ints([layer.kernel, layer.kernel])), ("pads", .ints([pad, pad, pad, pad])),
                                           ("strides", .ints([stride, stride]))])
        switch layer.activation {
        case .linear: break
        case .relu: y = graph.add("Relu", [y])
        case .leakyReLU(let slope): y = graph.add("LeakyRelu", [y], [("alpha", .float(slope))])
        }
        let gain = layer.activation.defaultGain
        if gain != 1 { y = graph.add("Mul", [y, graph.constant("gain", Tensor(gain))]) }
        if let clamp = layer.clamp {
            y = graph.add("Clip", [y, graph.constant("low", Tensor(-clamp)), graph.constant("high", Tensor(clamp))])
        }
        return y
    }

    /// The [1, 3, 3, 1] filter's 4x4 taps (times `gain`) for each of `channels`, as a depthwise weight.
    private func firWeight(channels: Int, gain: Float) -> Tensor {
        let taps = network.filter.taps  // separable and symmetric: correlation and convolution agree
        let plane = taps.flatMap { a in taps.map { b in a * b * gain } }
        return Tensor(shape: [channels, 1, 4, 4], scalars: Array((0..<channels).map { _ in plane }.joined()))
    }

    /// EqualConv2d's downsampling FIR: padded by 2, filtered (output H + 1) before the stride-2 convolution.
    private func depthwiseFIR(_ x: String, channels: Int, _ graph: inout ONNXGraph) -> String {
        graph.add("Conv", [x, graph.constant("fir_down", firWeight(channels: channels, gain: 1))],
                  [("group", .int(channels)), ("kernel_shape", .ints([4, 4])), ("pads", .ints([2, 2, 2, 2]))])
    }

    /// upsample2d: zero insertion, padding (2, 1) and the filter with gain 4, as a stride-2 depthwise
    /// transposed convolution with padding 1 each side.
    private func upsampled(_ x: String, channels: Int, _ graph: inout ONNXGraph) -> String {
        graph.add("ConvTranspose", [x, graph.constant("fir_up", firWeight(channels: channels, gain: 4))],
                  [("group", .int(channels)), ("kernel_shape", .ints([4, 4])), ("strides", .ints([2, 2])), ("pads", .ints([1, 1, 1, 1]))])
    }
}
