import Foundation

/// A dlib MMOD detector network (`loss_mmod` over convolutions, affine layers and relus over an
/// RGB image pyramid), read from dlib's serialization with its affine layers folded into the
/// convolutions: what `dlib.cnn_face_detection_model_v1` loads from mmod_human_face_detector.dat.
struct MMODNetwork: Sendable {
    var options: MMODOptions
    /// The mean red, green and blue codes the input layer subtracts before dividing by 256.
    var mean: [Float]
    /// Pixels between pyramid levels in the tiled image, and around them all.
    var pyramidPadding: Int
    var pyramidOuterPadding: Int
    /// From the input up; the last gives one score plane per detector window.
    var convolutions: [DetectorConvolution]

    /// The whole file `url`; errors name it.
    static func read(from url: URL) throws(FacesError) -> MMODNetwork {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FacesError(file: url.path, .unreadable((error as NSError).localizedDescription))
        }
        return try read(Array(data), file: url.path)
    }

    /// dlib writes the network from the loss inwards: the loss layer's version and options, then each
    /// `add_layer`'s version from the outermost in (each writes its version, then the network below
    /// it, then its own layer), the input layer, and the layers' details from the input up. So the
    /// count of those versions is the depth; the input layer's tag, whose length is at least 5, ends them.
    static func read(_ bytes: [UInt8], file: String) throws(FacesError) -> MMODNetwork {
        try bytes.withUnsafeBufferPointer { buffer throws(FacesError) -> MMODNetwork in
            var d = DlibDecoder(buffer, file: file, contents: .detectorNetwork)
            let lossVersion = try d.signed("the network's version", bytes: 4)
            guard lossVersion == 1 else { throw d.error("a network (loss layer) of version \(lossVersion), not 1", at: 0) }
            _ = try d.tag("the loss layer", oneOf: ["loss_mmod_"])
            let options = try MMODOptions.read(&d)
            var versions: [Int64] = []
            while true {
                let at = d.offset
                let value = try d.signed("a layer's version", bytes: 4)
                guard (1...3).contains(value) else { d.offset = at; break }
                versions.append(value)
            }
            guard !versions.isEmpty else { throw d.error("the loss layer has no layers under it") }
            let inputTag = try d.tag("the input layer", oneOf: ["input_rgb_image_pyramid", "input_rgb_image_pyramid2"])
            let mean = [try d.float("the mean red"), try d.float("the mean green"), try d.float("the mean blue")]
            var padding = 10, outerPadding = 11
            if inputTag == "input_rgb_image_pyramid2" {
                padding = Int(clamping: try d.unsigned("the pyramid padding"))
                outerPadding = Int(clamping: try d.unsigned("the pyramid's outer padding"))
                guard padding <= 1000 && outerPadding <= 1000 else {
                    throw d.error("pyramid paddings of \(padding) and \(outerPadding) pixels")
                }
            }
            var layers: [DetectorLayer] = []
            for (depth, version) in versions.reversed().enumerated() {
                let at = d.offset
                layers.append(try DetectorLayer.read(&d))
                for name in ["set up", "gradient stale", "output disabled"] { _ = try d.bool("layer \(depth)'s \(name) flag") }
                _ = try d.tensor("layer \(depth)'s input gradient")
                _ = try d.tensor("layer \(depth)'s cached output")
                if depth == 0 {
                    guard version >= 2 else { throw d.error("the input's layer of version \(version), not 2 or 3", at: at) }
                    _ = try d.tensor("layer 0's final gradient")
                    if version == 3 { _ = try d.unsigned("the sample expansion factor") }
                } else if version == 2 {
                    _ = try d.tensor("layer \(depth)'s parameter gradient")
                }
            }
            guard d.remaining == 0 else { throw d.error("\(d.remaining) bytes follow the network") }
            return MMODNetwork(options: options, mean: mean, pyramidPadding: padding, pyramidOuterPadding: outerPadding,
                               convolutions: try fold(layers, options: options, d: d))
        }
    }

    /// The layers as convolutions: each affine layer folded into the convolution just below it,
    /// each relu into the convolution (and affine) below it. Checks the channels chain from the
    /// RGB input to one score plane per window (five with box regression).
    private static func fold(_ layers: [DetectorLayer], options: MMODOptions, d: DlibDecoder) throws(FacesError) -> [DetectorConvolution] {
        var convolutions: [DetectorConvolution] = []
        var afterRelu = false
        for (index, layer) in layers.enumerated() {
            switch layer {
            case .identity: continue
            case .convolution(let convolution):
                let channels = convolutions.last?.outputs ?? 3
                guard convolution.inputs == channels else {
                    throw d.error("layer \(index): a convolution of \(convolution.inputs) channels over \(channels)")
                }
                convolutions.append(convolution)
                afterRelu = convolution.relu
            case let .affine(scale, shift):
                guard !afterRelu, let last = convolutions.indices.last else {
                    throw d.error("layer \(index): an affine layer that does not follow a convolution")
                }
                guard scale.count == convolutions[last].outputs else {
                    throw d.error("layer \(index): an affine layer of \(scale.count) channels after \(convolutions[last].outputs)")
                }
                convolutions[last].fold(scale: scale, shift: shift)
            case .relu:
                guard !afterRelu, let last = convolutions.indices.last else {
                    throw d.error("layer \(index): a relu that does not follow a convolution")
                }
                convolutions[last].relu = true
                afterRelu = true
            }
        }
        let scores = options.windows.count * (options.boundingBoxRegression ? 5 : 1)
        guard let last = convolutions.last, last.outputs == scores else {
            throw d.error("the last layer gives \(convolutions.last?.outputs ?? 0) channels, not the \(scores) its \(options.windows.count) detector windows need")
        }
        return convolutions
    }

    /// Where output location (`column`, `row`) sits in the input tensor: dlib's
    /// `output_tensor_to_input_tensor`, each convolution from the top mapping p to
    /// p * stride - padding + size / 2.
    func inputPoint(column: Int, row: Int) -> (x: Double, y: Double) {
        var x = Double(column), y = Double(row)
        for c in convolutions.reversed() {
            x = x * Double(c.strideX) - Double(c.paddingX) + Double(c.columns / 2)
            y = y * Double(c.strideY) - Double(c.paddingY) + Double(c.rows / 2)
        }
        return (x, y)
    }
}
