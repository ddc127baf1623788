import Foundation
import ToonCore
import ToonIO
import ToonNN

// The student as a Core ML ML Program, the same graph as the ONNX export in MIL operations: conv,
// leaky_relu, mul, add, clip, concat, conv_transpose (and reduce_mean, reshape for the degree plane).
// Weights are stored scaled by their equalized-learning-rate gain; the FIR resampling becomes
// depthwise conv / conv_transpose with upfirdn2d's taps and paddings. Written without Apple's tools;
// docs/stylizer.md says what was checked on Linux and what needs a Mac.

extension StudentModel {
    /// The ML Program for one image of `height` x `width`, or (with `flexible`) of any size the
    /// model description lists: then H and W are unknown in the program's types. Input `image`
    /// [1, 3, H, W] (and `degree` [1] for a degree-input student), output `stylized`.
    func coreMLProgram(height: Int, width: Int, flexible: Bool = false) -> MILProgram {
        precondition(coreMLSizeProblem(height: height, width: width) == nil, coreMLSizeProblem(height: height, width: width)!)
        var program = MILProgram()
        let (h0, w0): (Int?, Int?) = flexible ? (nil, nil) : (height, width)
        let image = MILProgram.Value(name: "image", type: .float([1, 3, h0, w0]))
        program.inputs = [image]
        var h = image
        if config.degreeInput {
            let degree = MILProgram.Value(name: "degree", type: .float([1]))
            program.inputs.append(degree)
            // A zero plane of the image's size plus the degree broadcast over it, as in the ONNX file.
            let plane = MILProgram.TensorType.float([1, 1, h0, w0])
            let mean = program.add("reduce_mean", [("x", image), ("axes", program.constant("axes", .ints([1], shape: [1]))),
                                                   ("keep_dims", program.constant("keep_dims", .bool(true)))], plane)
            let zeros = program.add("mul", [("x", mean), ("y", program.scalar("zero", 0))], plane)
            let column = program.add("reshape", [("x", degree), ("shape", program.constant("shape", .ints([1, 1, 1, 1], shape: [4])))],
                                     .float([1, 1, 1, 1]))
            let filled = program.add("add", [("x", zeros), ("y", column)], plane)
            h = concatenated([image, filled], &program)
        }
        let net = network
        var skips: [MILProgram.Value] = []
        h = convolution(net.encoder[0], h, &program)
        for level in 1...config.levels {
            skips.append(h)
            h = convolution(net.encoder[level], downsamplingFIR(h, &program), &program, stride: 2)
        }
        for (a, b) in net.bridge {
            let branch = convolution(b, convolution(a, h, &program), &program)
            let sum = program.add("add", [("x", h), ("y", branch)], h.type)
            h = program.add("mul", [("x", sum), ("y", program.scalar("half_root", Float(0.5).squareRoot()))], h.type)
        }
        for (index, layer) in net.decoder.enumerated() {
            h = convolution(layer, concatenated([upsampled(h, &program), skips[config.levels - 1 - index]], &program), &program)
        }
        h = convolution(net.toRGB, h, &program)
        program.outputs = [program.add("identity", [("x", h)], h.type, exactName: "stylized")]
        return program
    }

    /// Why `height` x `width` cannot be the Core ML model's size, or nil.
    public func coreMLSizeProblem(height: Int, width: Int) -> String? {
        let step = 1 << config.levels
        if height < step || width < step || height % step != 0 || width % step != 0 {
            return "the size must be a positive multiple of \(step) on each side, not \(width)x\(height)"
        }
        if height > 8192 || width > 8192 { return "the size is limited to 8192 a side, not \(width)x\(height)" }
        return nil
    }

    /// The layer's "same" convolution (its weight scaled), bias, activation with its gain, and clamp.
    private func convolution(_ layer: EqualConv2d, _ x: MILProgram.Value, _ program: inout MILProgram,
                             stride: Int = 1) -> MILProgram.Value {
        let weight = (parameters["\(layer.name).weight"] * layer.weightGain).contiguous()
        let pad = stride == 1 ? layer.kernel / 2 : 0
        let side = { (size: Int?) in size.map { ($0 + 2 * pad - layer.kernel) / stride + 1 } }
        let out = MILProgram.TensorType.float([1, layer.outChannels, side(x.type.shape[2]), side(x.type.shape[3])])
        var inputs = [("x", x), ("weight", program.constant("\(layer.name).weight", .floats(weight.scalars, shape: weight.shape)))]
        if layer.hasBias {
            let bias = parameters["\(layer.name).bias"].contiguous()
            inputs.append(("bias", program.constant("\(layer.name).bias", .floats(bias.scalars, shape: bias.shape))))
        }
        var y = program.add("conv", inputs + convolutionOptions(pad: pad, stride: stride, groups: 1, &program), out)
        switch layer.activation {
        case .linear: break
        case .relu: y = program.add("relu", [("x", y)], out)
        case .leakyReLU(let slope): y = program.add("leaky_relu", [("x", y), ("alpha", program.scalar("alpha", slope))], out)
        }
        let gain = layer.activation.defaultGain
        if gain != 1 { y = program.add("mul", [("x", y), ("y", program.scalar("gain", gain))], out) }
        if let clamp = layer.clamp {
            y = program.add("clip", [("x", y), ("alpha", program.scalar("low", -clamp)), ("beta", program.scalar("high", clamp))], out)
        }
        return y
    }

    private func convolutionOptions(pad: Int, stride: Int, groups: Int, _ program: inout MILProgram) -> [(String, MILProgram.Value)] {
        [("pad_type", program.constant("pad_type", .string("custom"))),
         ("pad", program.constant("pad", .ints([pad, pad, pad, pad], shape: [4]))),
         ("strides", program.constant("strides", .ints([stride, stride], shape: [2]))),
         ("dilations", program.constant("dilations", .ints([1, 1], shape: [2]))),
         ("groups", program.constant("groups", .ints([groups], shape: [])))]
    }

    /// The [1, 3, 3, 1] filter's 4x4 taps (times `gain`) for each of `channels`, as a depthwise weight.
    private func firConstant(_ stem: String, channels: Int, gain: Float, _ program: inout MILProgram) -> MILProgram.Value {
        let taps = network.filter.taps  // separable and symmetric: correlation and convolution agree
        let plane = taps.flatMap { a in taps.map { b in a * b * gain } }
        return program.constant(stem, .floats(Array((0..<channels).map { _ in plane }.joined()), shape: [channels, 1, 4, 4]))
    }

    /// EqualConv2d's downsampling FIR: padded by 2, filtered (output H + 1) before the stride-2 convolution.
    private func downsamplingFIR(_ x: MILProgram.Value, _ program: inout MILProgram) -> MILProgram.Value {
        let channels = x.type.shape[1]!
        let out = MILProgram.TensorType.float([1, channels, x.type.shape[2].map { $0 + 1 }, x.type.shape[3].map { $0 + 1 }])
        return program.add("conv", [("x", x), ("weight", firConstant("fir_down", channels: channels, gain: 1, &program))]
                                   + convolutionOptions(pad: 2, stride: 1, groups: channels, &program), out)
    }

    /// upsample2d: zero insertion, padding (2, 1) and the filter with gain 4, as a stride-2 depthwise
    /// transposed convolution that crops 1 each side (MIL's weight is [C_in, C_out / groups, 4, 4]).
    private func upsampled(_ x: MILProgram.Value, _ program: inout MILProgram) -> MILProgram.Value {
        let channels = x.type.shape[1]!
        let out = MILProgram.TensorType.float([1, channels, x.type.shape[2].map { $0 * 2 }, x.type.shape[3].map { $0 * 2 }])
        return program.add("conv_transpose", [("x", x), ("weight", firConstant("fir_up", channels: channels, gain: 4, &program))]
                                             + convolutionOptions(pad: 1, stride: 2, groups: channels, &program), out)
    }

    /// `values` joined along the channels.
    private func concatenated(_ values: [MILProgram.Value], _ program: inout MILProgram) -> MILProgram.Value {
        var shape = values[0].type.shape
        shape[1] = values.map { $0.type.shape[1]! }.reduce(0, +)
        return program.add("concat", [("values", values), ("axis", [program.constant("axis", .ints([1], shape: []))]),
                                      ("interleave", [program.constant("interleave", .bool(false))])], .float(shape))
    }
}
