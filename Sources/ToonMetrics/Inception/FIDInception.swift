import ToonCore

/// pytorch-fid's Inception v3 for FID (`InceptionV3([3])`: `fid_inception_v3`, resize_input and
/// normalize_input on), up to the final average pool: 2048 features per image. Inference only.
public struct FIDInception: Sendable {
    /// Feature length.
    public static let dimensions = 2048
    /// Side every image is resized to, as pytorch-fid does.
    public static let inputSize = 299

    let convolutions: [String: FoldedConv]

    init(convolutions: [String: FoldedConv]) {
        self.convolutions = convolutions
    }

    /// Features [N, 2048] of images [N, 3, H, W] with values in 0...1 (8-bit codes / 255, as
    /// pytorch-fid's ToTensor makes them): a bilinear resize to 299x299 (align_corners false, no
    /// antialiasing), 2x - 1, then the network.
    public func features(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == 3, "Inception takes [N, 3, H, W] RGB images, not \(images.shape)")
        var x = images.resized(height: Self.inputSize, width: Self.inputSize, mode: .bilinear)
        x = x * 2 - 1
        x = conv("Conv2d_2b_3x3", conv("Conv2d_2a_3x3", conv("Conv2d_1a_3x3", x))).maxPool3x3(stride: 2, padding: 0)
        x = conv("Conv2d_4a_3x3", conv("Conv2d_3b_1x1", x)).maxPool3x3(stride: 2, padding: 0)
        for block in ["Mixed_5b", "Mixed_5c", "Mixed_5d"] { x = blockA(block, x) }
        x = blockB("Mixed_6a", x)
        for block in ["Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"] { x = blockC(block, x) }
        x = blockD("Mixed_7a", x)
        x = blockE("Mixed_7b", x, maxPoolBranch: false)
        x = blockE("Mixed_7c", x, maxPoolBranch: true)
        return x.globalAveragePool()
    }

    /// relu(conv + folded BN) for the layer `name`.
    private func conv(_ name: String, _ x: Tensor) -> Tensor {
        let layer = convolutions[name]!
        var y = x.conv2d(layer.weight, stride: (layer.spec.stride, layer.spec.stride),
                         padding: (layer.spec.padding.y, layer.spec.padding.x))
        y.applyEpilogue(ConvEpilogue(bias: layer.bias, activation: .relu, gain: 1))
        return y
    }

    private func chain(_ block: String, _ names: [String], _ x: Tensor) -> Tensor {
        names.reduce(x) { conv("\(block).\($1)", $0) }
    }

    /// FIDInceptionA: its pool branch averages without the padding (TensorFlow's pool).
    private func blockA(_ p: String, _ x: Tensor) -> Tensor {
        Tensor.concatenate([
            conv("\(p).branch1x1", x),
            chain(p, ["branch5x5_1", "branch5x5_2"], x),
            chain(p, ["branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"], x),
            conv("\(p).branch_pool", x.averagePool3x3ExcludingPadding()),
        ], axis: 1)
    }

    /// torchvision's InceptionB (Mixed_6a): stride-2 branches and a stride-2 max pool.
    private func blockB(_ p: String, _ x: Tensor) -> Tensor {
        Tensor.concatenate([
            conv("\(p).branch3x3", x),
            chain(p, ["branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"], x),
            x.maxPool3x3(stride: 2, padding: 0),
        ], axis: 1)
    }

    /// FIDInceptionC: factorised 7x7 branches; the pool branch averages without the padding.
    private func blockC(_ p: String, _ x: Tensor) -> Tensor {
        Tensor.concatenate([
            conv("\(p).branch1x1", x),
            chain(p, ["branch7x7_1", "branch7x7_2", "branch7x7_3"], x),
            chain(p, ["branch7x7dbl_1", "branch7x7dbl_2", "branch7x7dbl_3", "branch7x7dbl_4", "branch7x7dbl_5"], x),
            conv("\(p).branch_pool", x.averagePool3x3ExcludingPadding()),
        ], axis: 1)
    }

    /// torchvision's InceptionD (Mixed_7a).
    private func blockD(_ p: String, _ x: Tensor) -> Tensor {
        Tensor.concatenate([
            chain(p, ["branch3x3_1", "branch3x3_2"], x),
            chain(p, ["branch7x7x3_1", "branch7x7x3_2", "branch7x7x3_3", "branch7x7x3_4"], x),
            x.maxPool3x3(stride: 2, padding: 0),
        ], axis: 1)
    }

    /// FIDInceptionE_1 (average pool without padding) and E_2, whose pool branch is a 3x3 max pool:
    /// the TensorFlow graph's quirk that pytorch-fid keeps.
    private func blockE(_ p: String, _ x: Tensor, maxPoolBranch: Bool) -> Tensor {
        let narrow = conv("\(p).branch3x3_1", x)
        let double = chain(p, ["branch3x3dbl_1", "branch3x3dbl_2"], x)
        let pooled = maxPoolBranch ? x.maxPool3x3(stride: 1, padding: 1) : x.averagePool3x3ExcludingPadding()
        return Tensor.concatenate([
            conv("\(p).branch1x1", x),
            conv("\(p).branch3x3_2a", narrow), conv("\(p).branch3x3_2b", narrow),
            conv("\(p).branch3x3dbl_3a", double), conv("\(p).branch3x3dbl_3b", double),
            conv("\(p).branch_pool", pooled),
        ], axis: 1)
    }
}
