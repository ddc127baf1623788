import Foundation

/// Hand-made dlib MMOD networks, written as dlib's DNN serialization writes them (add_loss_layer,
/// nested add_layer versions, the input layer, then each layer's details from the input up).
struct DlibNetworkBytes {
    var out = DlibBytes()

    mutating func string(_ text: String) { out.int(Int64(text.utf8.count)); out.bytes += Array(text.utf8) }
    mutating func bool(_ value: Bool) { out.bytes.append(value ? UInt8(ascii: "1") : UInt8(ascii: "0")) }
    mutating func double(_ value: Double) { out.float(Float(value)) }

    /// A resizable_tensor: version 2, dimensions, raw little-endian floats.
    mutating func tensor(_ shape: [Int], _ values: [Float]) {
        out.int(2)
        for n in shape { out.int(Int64(n)) }
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.bytes += $0 } }
    }

    mutating func alias(_ shape: [Int]) { out.int(1); for n in shape { out.int(Int64(n)) } }

    /// One layer's details.
    enum Layer {
        case con(outputs: Int, inputs: Int, size: Int, stride: Int, padding: Int, weights: [Float], biases: [Float])
        case bn(gamma: [Float], beta: [Float], means: [Float], variances: [Float], eps: Double)
        case affine(gamma: [Float], beta: [Float])
        case relu
        case other(String)
    }

    mutating func layer(_ layer: Layer) {
        switch layer {
        case let .con(outputs, inputs, size, stride, padding, weights, biases):
            string("con_4")
            tensor([weights.count + biases.count, 1, 1, 1], weights + biases)
            out.int(Int64(outputs)); out.int(Int64(size)); out.int(Int64(size))
            out.int(Int64(stride)); out.int(Int64(stride)); out.int(Int64(padding)); out.int(Int64(padding))
            alias([outputs, inputs, size, size]); alias([1, outputs, 1, 1])
            for _ in 0..<4 { double(1) }
        case let .bn(gamma, beta, means, variances, eps):
            string("bn_con2")
            tensor([1, 2 * gamma.count, 1, 1], gamma + beta)
            alias([1, gamma.count, 1, 1]); alias([1, gamma.count, 1, 1])
            tensor([0, 0, 0, 0], []); tensor([0, 0, 0, 0], [])
            tensor([1, means.count, 1, 1], means); tensor([1, variances.count, 1, 1], variances)
            out.int(1000); out.int(1000)
            for _ in 0..<4 { double(1) }
            double(eps)
        case let .affine(gamma, beta):
            string("affine_")
            tensor([1, 2 * gamma.count, 1, 1], gamma + beta)
            alias([1, gamma.count, 1, 1]); alias([1, gamma.count, 1, 1])
            out.int(0)
        case .relu: string("relu_")
        case .other(let tag): string(tag)
        }
    }

    /// A whole network file: MMOD options with one `window` x `window` detector window, the RGB
    /// pyramid input (padding 10, outer padding 11), then `layers` from the input up.
    static func network(window: Int = 3, nms: (Double, Double) = (0.3, 1), layers: [Layer], lossTag: String = "loss_mmod_") -> [UInt8] {
        var b = DlibNetworkBytes()
        b.out.int(1)
        b.string(lossTag)
        b.out.int(1)
        b.out.int(Int64(window)); b.out.int(Int64(window))
        b.double(1); b.double(1); b.double(0.5)
        b.double(nms.0); b.double(nms.1)
        b.double(0.5); b.double(1)
        for _ in layers.dropLast() { b.out.int(2) }
        b.out.int(2)
        b.string("input_rgb_image_pyramid2")
        b.out.float(122.5); b.out.float(117); b.out.float(104.25)
        b.out.int(10); b.out.int(11)
        for (depth, layer) in layers.enumerated() {
            b.layer(layer)
            b.bool(true); b.bool(true); b.bool(false)
            b.tensor([0, 0, 0, 0], []); b.tensor([0, 0, 0, 0], [])
            b.tensor([0, 0, 0, 0], [])  // layer 0's final gradient, the others' parameter gradient
            _ = depth
        }
        return b.out.bytes
    }
}
