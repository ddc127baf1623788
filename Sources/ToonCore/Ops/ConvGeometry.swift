/// Sizes of one 2-D convolution, NCHW input [n, cin, h, w] and OIHW weight [cout, cin/groups, kh, kw].
/// The same geometry describes its two adjoints (the input and weight gradients).
public struct ConvGeometry: Equatable, Sendable {
    public let n, cin, h, w: Int
    public let cout, kh, kw: Int
    public let strideY, strideX, padY, padX: Int
    public let groups: Int
    public let outH, outW: Int

    public init(input: [Int], weight: [Int], stride: (Int, Int), padding: (Int, Int), groups: Int,
                output: (Int, Int)? = nil) {
        precondition(input.count == 4, "conv2d input must be NCHW, got \(input)")
        precondition(weight.count == 4, "conv2d weight must be [out, in/groups, kh, kw], got \(weight)")
        precondition(groups >= 1 && input[1] % groups == 0 && weight[0] % groups == 0,
                     "conv2d groups \(groups) do not divide channels \(input[1]) -> \(weight[0])")
        precondition(weight[1] * groups == input[1],
                     "conv2d weight \(weight) expects \(weight[1] * groups) input channels, input has \(input[1])")
        precondition(stride.0 > 0 && stride.1 > 0 && padding.0 >= 0 && padding.1 >= 0, "bad conv2d stride/padding")
        (n, cin, h, w) = (input[0], input[1], input[2], input[3])
        (cout, kh, kw) = (weight[0], weight[2], weight[3])
        (strideY, strideX, padY, padX) = (stride.0, stride.1, padding.0, padding.1)
        self.groups = groups
        let natural = ((h + 2 * padY - kh) / strideY + 1, (w + 2 * padX - kw) / strideX + 1)
        (outH, outW) = output ?? natural
        precondition(outH > 0 && outW > 0 && h + 2 * padY >= kh && w + 2 * padX >= kw,
                     "conv2d kernel \(kh)x\(kw) larger than padded input \(h)x\(w)")
        precondition(outH == natural.0 && outW == natural.1,
                     "conv2d output \(outH)x\(outW) does not match input \(h)x\(w)")
    }

    /// Geometry of the convolution whose input gradient is a transposed convolution producing
    /// `outputSize` from `input` (the transposed op's input is this conv's output).
    static func transposed(input: [Int], weight: [Int], stride: (Int, Int), padding: (Int, Int), groups: Int,
                           outputSize: (Int, Int)) -> ConvGeometry {
        ConvGeometry(input: [input[0], weight[1] * groups, outputSize.0, outputSize.1], weight: weight,
                     stride: stride, padding: padding, groups: groups, output: (input[2], input[3]))
    }

    public var inputShape: [Int] { [n, cin, h, w] }
    public var weightShape: [Int] { [cout, cin / groups, kh, kw] }
    public var outputShape: [Int] { [n, cout, outH, outW] }
    var cinPerGroup: Int { cin / groups }
    var coutPerGroup: Int { cout / groups }
    /// Rows of the column matrix: one per (input channel of a group, ky, kx).
    var patchSize: Int { cinPerGroup * kh * kw }
    var isPointwise: Bool { kh == 1 && kw == 1 && strideY == 1 && strideX == 1 && padY == 0 && padX == 0 }
    /// Multiply-accumulates of the forward pass (each adjoint costs the same).
    public var macs: Int { n * cout * outH * outW * patchSize }
}
