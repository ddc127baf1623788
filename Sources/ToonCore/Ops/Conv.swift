// 2-D convolution and its two adjoints as differentiable ops. Each op's VJP is written with the
// other two, so the family is closed under differentiation (R1 needs the gradient of a gradient):
//   y  = conv(x, w)          dx = convInputGrad(dy, w)      dw = convWeightGrad(x, dy)
//   gx = convInputGrad(gy,w) dgy = conv(U, w)               dw = convWeightGrad(U, gy)
//   gw = convWeightGrad(x,gy) dx = convInputGrad(gy, U)     dgy = conv(x, U)

extension Tensor {
    /// Cross-correlation of NCHW `self` with OIHW `weight` ([out, in/groups, kh, kw]), as PyTorch's conv2d.
    public func conv2d(_ weight: Tensor, stride: Int = 1, padding: Int = 0, groups: Int = 1) -> Tensor {
        conv2d(weight, stride: (stride, stride), padding: (padding, padding), groups: groups)
    }

    public func conv2d(_ weight: Tensor, stride: (Int, Int), padding: (Int, Int), groups: Int = 1) -> Tensor {
        let g = ConvGeometry(input: shape, weight: weight.shape, stride: stride, padding: padding, groups: groups)
        return Tensor.convolution(self, weight, g)
    }

    /// Transposed convolution of NCHW `self` with weight [in, out/groups, kh, kw], as PyTorch's
    /// conv_transpose2d: output size (h - 1) * stride - 2 * padding + kh + outputPadding.
    public func transposedConv2d(_ weight: Tensor, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
                                 groups: Int = 1) -> Tensor {
        precondition(rank == 4 && weight.rank == 4, "transposedConv2d needs NCHW input and 4-D weight")
        precondition(outputPadding >= 0 && outputPadding < Swift.max(stride, 1), "outputPadding must be below stride")
        let size = { (n: Int, k: Int) in (n - 1) * stride - 2 * padding + k + outputPadding }
        let g = ConvGeometry.transposed(input: shape, weight: weight.shape, stride: (stride, stride),
                                        padding: (padding, padding), groups: groups,
                                        outputSize: (size(shape[2], weight.shape[2]), size(shape[3], weight.shape[3])))
        return Tensor.convolutionInputGradient(self, weight, g)
    }

    static func convolution(_ x: Tensor, _ w: Tensor, _ g: ConvGeometry) -> Tensor {
        var y = Tensor(uninitializedShape: g.outputShape)
        x.withUnsafeBufferPointer { px in
            w.withUnsafeBufferPointer { pw in
                ConvWinograd.withTransformedWeights(w, g) { u in
                    ConvKernels.forward(x: px.baseAddress!, w: pw.baseAddress!, y: y.storage.pointer, g, winogradWeights: u)
                }
            }
        }
        if shouldRecord(x, w) {
            y.recordHistory("conv2d", inputs: [x, w]) { dy in
                [isGradientNeeded(x, index: 0) ? convolutionInputGradient(dy, w, g) : nil,
                 isGradientNeeded(w, index: 1) ? convolutionWeightGradient(x, dy, g) : nil]
            }
        }
        return y
    }

    static func convolutionInputGradient(_ gy: Tensor, _ w: Tensor, _ g: ConvGeometry) -> Tensor {
        precondition(gy.shape == g.outputShape && w.shape == g.weightShape, "conv2d gradient shapes")
        var gx = Tensor(uninitializedShape: g.inputShape)
        if ConvWinogradUp.applies(g) {
            // Its weight transform reads the weight where it lies: an up layer's transposed view of
            // its [out, in] weight is never copied, in training either.
            gy.withUnsafeBufferPointer { pgy in
                ConvWinogradUp.withTransformedWeights(w, g) { u in
                    ConvWinogradUp.forward(x: pgy.baseAddress!, u: u!, z: gx.storage.pointer, g)  // applies(g): never nil
                }
            }
        } else {
            gy.withUnsafeBufferPointer { pgy in
                w.withUnsafeBufferPointer { pw in
                    ConvWinograd.withInputGradientWeights(w, g) { same in
                        ConvKernels.backwardInput(gy: pgy.baseAddress!, w: pw.baseAddress!, gx: gx.storage.pointer, g,
                                                  winogradWeights: same)
                    }
                }
            }
        }
        if shouldRecord(gy, w) {
            gx.recordHistory("conv2dInputGradient", inputs: [gy, w]) { u in
                [isGradientNeeded(gy, index: 0) ? convolution(u, w, g) : nil,
                 isGradientNeeded(w, index: 1) ? convolutionWeightGradient(u, gy, g) : nil]
            }
        }
        return gx
    }

    static func convolutionWeightGradient(_ x: Tensor, _ gy: Tensor, _ g: ConvGeometry) -> Tensor {
        precondition(x.shape == g.inputShape && gy.shape == g.outputShape, "conv2d gradient shapes")
        var gw = Tensor(uninitializedShape: g.weightShape)
        x.withUnsafeBufferPointer { px in
            gy.withUnsafeBufferPointer { pgy in
                ConvKernels.backwardWeight(x: px.baseAddress!, gy: pgy.baseAddress!, gw: gw.storage.pointer, g)
            }
        }
        if shouldRecord(x, gy) {
            gw.recordHistory("conv2dWeightGradient", inputs: [x, gy]) { u in
                [isGradientNeeded(x, index: 0) ? convolutionInputGradient(gy, u, g) : nil,
                 isGradientNeeded(gy, index: 1) ? convolution(x, u, g) : nil]
            }
        }
        return gw
    }
}
