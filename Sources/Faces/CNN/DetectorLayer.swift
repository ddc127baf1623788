/// One layer of a dlib detector network as its file holds it, before the affine layers are folded
/// into the convolutions before them.
enum DetectorLayer {
    case convolution(DetectorConvolution)
    /// Per channel `x * scale + shift`: dlib's affine layer, or a batch-norm layer with its running
    /// statistics, which dlib turns into the same when it loads one into an affine slot.
    case affine(scale: [Float], shift: [Float])
    case relu
    /// A layer dlib marked disabled: it passes its input on.
    case identity

    /// Reads a layer's details (`con_`, `bn_con`, `affine_`, `relu_`), choosing by its version tag.
    static func read(_ d: inout DlibDecoder) throws(FacesError) -> DetectorLayer {
        let start = d.offset
        let tag = try d.string("a layer's type")
        switch tag {
        case "con_4", "con_5", "con_6": return .convolution(try DetectorConvolution.read(&d, version: tag, at: start))
        case "bn_con2": return try batchNorm(&d)
        case "affine_", "affine_2": return try affine(&d, version: tag)
        case "relu_": return .relu
        case "relu_2": return try d.bool("the relu layer's disabled flag") ? .identity : .relu
        default:
            throw d.error("a \(FacesError.quoted(Substring(tag))) layer; a detector here is made of convolutions (con_), "
                          + "affine or batch-norm layers (affine_, bn_con) and relu_", at: start)
        }
    }

    /// The gamma and beta a batch-norm or affine layer keeps in its parameters, one per channel.
    private static func gammaBeta(_ d: inout DlibDecoder, _ kind: String) throws(FacesError) -> (gamma: [Float], beta: [Float]) {
        let start = d.offset
        let params = try d.tensor("the \(kind) parameters")
        let gamma = try d.aliasTensor("the \(kind) gamma"), beta = try d.aliasTensor("the \(kind) beta")
        let channels = gamma.reduce(1, *)
        guard gamma == beta, gamma[0] == 1, gamma[2] == 1, gamma[3] == 1, params.values.count == 2 * channels else {
            throw d.error("\(kind): gamma \(gamma) and beta \(beta) do not split its \(params.values.count) parameters per channel", at: start)
        }
        return (Array(params.values[..<channels]), Array(params.values[channels...]))
    }

    /// `bn_con2`: the running mean and variance make it the affine layer
    /// `gamma / sqrt(variance + eps)`, `beta - scale * mean`, in floats as dlib computes it.
    private static func batchNorm(_ d: inout DlibDecoder) throws(FacesError) -> DetectorLayer {
        let start = d.offset
        let (gamma, beta) = try gammaBeta(&d, "batch-norm layer's")
        for name in ["means", "inverse deviations"] { _ = try d.tensor("the batch-norm layer's \(name)") }
        let means = try d.tensor("the batch-norm layer's running means").values
        let variances = try d.tensor("the batch-norm layer's running variances").values
        _ = try d.unsigned("the batch-norm layer's update count")
        _ = try d.unsigned("the batch-norm layer's running window")
        for name in ["learning rate", "weight decay", "bias learning rate", "bias weight decay"] {
            _ = try d.double("the batch-norm layer's \(name) multiplier")
        }
        let eps = try d.double("the batch-norm layer's epsilon")
        guard means.count == gamma.count, variances.count == gamma.count, variances.allSatisfy({ Double($0) + eps > 0 }) else {
            throw d.error("batch-norm layer: \(means.count) means and \(variances.count) variances (positive) for \(gamma.count) channels", at: start)
        }
        let scale = gamma.indices.map { gamma[$0] / (variances[$0] + Float(eps)).squareRoot() }
        return .affine(scale: scale, shift: gamma.indices.map { beta[$0] - scale[$0] * means[$0] })
    }

    /// `affine_` and `affine_2`: gamma and beta as they are, in convolution mode.
    private static func affine(_ d: inout DlibDecoder, version: String) throws(FacesError) -> DetectorLayer {
        let (gamma, beta) = try gammaBeta(&d, "affine layer's")
        let at = d.offset
        let mode = try d.signed("the affine layer's mode", bytes: 4)
        guard mode == 0 else { throw d.error("an affine layer in fully connected mode (\(mode)), not convolution mode (0)", at: at) }
        if version == "affine_2", try d.bool("the affine layer's disabled flag") { return .identity }
        return .affine(scale: gamma, shift: beta)
    }
}

/// A convolution of the detector, with the affine layer and relu after it folded in.
struct DetectorConvolution: Sendable {
    /// [out, in, rows, columns], each filter times its channel's affine scale.
    var weight: [Float]
    /// [out]: dlib's bias through the affine layer.
    var bias: [Float]
    let outputs: Int, inputs: Int
    let rows: Int, columns: Int
    let strideY: Int, strideX: Int
    let paddingY: Int, paddingX: Int
    var relu: Bool

    /// `con_4` to `con_6`: parameters (filters then biases), filter count, size, strides, padding,
    /// the two views of the parameters, four training multipliers, then (from con_5) whether it has a
    /// bias and (con_6) a fused relu.
    static func read(_ d: inout DlibDecoder, version: String, at start: Int) throws(FacesError) -> DetectorConvolution {
        let params = try d.tensor("the convolution's parameters").values
        var numbers: [Int] = []
        for (name, width) in [("filter count", 8), ("rows", 8), ("columns", 8), ("vertical stride", 4),
                              ("horizontal stride", 4), ("vertical padding", 4), ("horizontal padding", 4)] {
            let at = d.offset
            let n = try d.signed("the convolution's \(name)", bytes: width)
            guard n >= 0 && n <= 100_000 else { throw d.error("the convolution's \(name) is \(n)", at: at) }
            numbers.append(Int(n))
        }
        let filters = try d.aliasTensor("the convolution's filters")
        let biases = try d.aliasTensor("the convolution's biases")
        for name in ["learning rate", "weight decay", "bias learning rate", "bias weight decay"] {
            _ = try d.double("the convolution's \(name) multiplier")
        }
        let hasBias = version == "con_4" ? true : try d.bool("the convolution's bias flag")
        let fusedRelu = version == "con_6" ? try d.bool("the convolution's relu flag") : false
        let (outputs, rows, columns) = (numbers[0], numbers[1], numbers[2])
        let (strideY, strideX, paddingY, paddingX) = (numbers[3], numbers[4], numbers[5], numbers[6])
        let inputs = filters[1]
        let filterCount = filters.reduce(1, *)
        guard outputs >= 1, filters == [outputs, inputs, rows, columns], inputs >= 1, strideY >= 1, strideX >= 1,
              paddingY < rows, paddingX < columns, params.count == filterCount + (hasBias ? outputs : 0),
              !hasBias || biases.reduce(1, *) == outputs else {
            throw d.error("a convolution of \(outputs) \(rows)x\(columns) filters, stride \(strideY)x\(strideX), "
                          + "padding \(paddingY)x\(paddingX), filter view \(filters), bias view \(biases) and "
                          + "\(params.count) parameters that do not fit together", at: start)
        }
        return DetectorConvolution(weight: Array(params[..<filterCount]),
                                   bias: hasBias ? Array(params[filterCount...]) : [Float](repeating: 0, count: outputs),
                                   outputs: outputs, inputs: inputs, rows: rows, columns: columns,
                                   strideY: strideY, strideX: strideX, paddingY: paddingY, paddingX: paddingX, relu: fusedRelu)
    }

    /// This convolution followed by the per-channel `x * scale + shift`.
    mutating func fold(scale: [Float], shift: [Float]) {
        let perFilter = inputs * rows * columns
        for o in 0..<outputs {
            for i in 0..<perFilter { weight[o * perFilter + i] *= scale[o] }
            bias[o] = bias[o] * scale[o] + shift[o]
        }
    }

    /// The output size for an input of `height` x `width`, as dlib (and PyTorch) compute it.
    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * paddingY - rows) / strideY + 1, (width + 2 * paddingX - columns) / strideX + 1)
    }
}
