import CKernels

// Inference-only fusion around a convolution: what StyleGAN2 does to a conv's output (demodulation,
// noise, bias, leaky ReLU, gain, clamp) applied while the output tile is still in cache, and its
// modulation folded into the column copy. These ops record no history; training uses the
// differentiable ops they equal (a test compares the two).

/// What happens to each output value y[n, o, p] of a convolution before it is stored, in NVLabs'
/// order: clamp(act(y * outputScale[n, o] + noise[n, p] * noiseStrength + bias[o]) * gain).
package struct ConvEpilogue: @unchecked Sendable {
    /// [N, C]: one factor per image and output channel (StyleGAN2's demodulation), or nil.
    package var outputScale: Tensor?
    /// [H, W] or [1 or N, 1, H, W]: added to every channel after multiplying by `noiseStrength`.
    package var noise: Tensor?
    package var noiseStrength: Float
    /// [C], or nil.
    package var bias: Tensor?
    package var activation: Activation
    package var gain: Float
    package var clamp: Float?

    package init(outputScale: Tensor? = nil, noise: Tensor? = nil, noiseStrength: Float = 1, bias: Tensor? = nil,
                activation: Activation = .linear, gain: Float = 1, clamp: Float? = nil) {
        // Dense, so the kernel can read them by pointer.
        self.outputScale = outputScale?.contiguousValues()
        self.noise = noise?.contiguousValues()
        self.noiseStrength = noiseStrength
        self.bias = bias?.contiguousValues()
        self.activation = activation
        self.gain = gain
        self.clamp = clamp
    }

    /// True when an input needs gradients recorded, which these fused ops cannot do.
    var needsHistory: Bool {
        GradMode.isEnabled && [outputScale, noise, bias].contains { $0?.requiresGrad ?? false }
    }

    /// Raw pointers for the kernels, valid while the tensors live. `shape` is the output [N, C, H, W].
    func kernel(for shape: [Int]) -> EpilogueKernel {
        let (n, c, pixels) = (shape[0], shape[1], shape[2] * shape[3])
        func pointer(_ t: Tensor?) -> UnsafePointer<Float>? {
            t.map { UnsafePointer($0.denseBase) }
        }
        if let outputScale { precondition(outputScale.shape == [n, c], "epilogue scale \(outputScale.shape) for output \(shape)") }
        if let bias { precondition(bias.shape == [c], "epilogue bias \(bias.shape) for output \(shape)") }
        var noiseImageStride = 0
        if let noise {
            precondition(noise.count == pixels || noise.count == n * pixels, "epilogue noise \(noise.shape) for output \(shape)")
            precondition(noise.rank == 2 || (noise.rank == 4 && noise.shape[1] == 1 && noise.shape[2] * noise.shape[3] == pixels),
                         "epilogue noise \(noise.shape) for output \(shape)")
            noiseImageStride = noise.count == pixels ? 0 : pixels
        }
        let bound = clamp ?? .infinity
        return EpilogueKernel(channels: c, scale: pointer(outputScale), noise: pointer(noise),
                              noiseImageStride: noiseImageStride, noiseStrength: noiseStrength, bias: pointer(bias),
                              slope: activation.negativeSlope, gain: gain, lo: -bound, hi: bound)
    }
}

/// The epilogue over raw pointers; `apply` works on one channel plane's pixel range.
struct EpilogueKernel {
    let channels: Int
    let scale: UnsafePointer<Float>?
    let noise: UnsafePointer<Float>?
    let noiseImageStride: Int
    let noiseStrength: Float
    let bias: UnsafePointer<Float>?
    let slope: Float
    let gain: Float
    let lo: Float
    let hi: Float

    /// The same epilogue seen from image `image` of the batch, as image 0 of a one-image output.
    func forImage(_ image: Int, pixels: Int) -> EpilogueKernel {
        EpilogueKernel(channels: channels, scale: scale.map { $0 + image * channels },
                       noise: noise.map { $0 + image * noiseImageStride }, noiseImageStride: noiseImageStride,
                       noiseStrength: noiseStrength, bias: bias, slope: slope, gain: gain, lo: lo, hi: hi)
    }

    /// `plane` is the start of output plane (image, channel); pixels `range` of it are rewritten
    /// with the C kernel of instruction-set `level`.
    @inline(__always) func apply(_ plane: UnsafeMutablePointer<Float>, image: Int, channel: Int, pixels range: Range<Int>,
                                 level: Int32) {
        let s = scale?[image * channels + channel] ?? 1, b = bias?[channel] ?? 0
        let noise = noise.map { $0 + image * noiseImageStride + range.lowerBound }
        toon_epilogue(level, plane + range.lowerBound, range.count, s, noise, noiseStrength, b, slope, gain, lo, hi)
    }

    /// Applies the epilogue to output rows `rows` of images `images` of y [N, C, H, W], channels `channels`.
    func apply(_ y: UnsafeMutablePointer<Float>, images: Range<Int>, channels channelRange: Range<Int>,
               pixels: Range<Int>, planePixels: Int) {
        let work = images.count * channelRange.count
        Parallel.forEach(work, grain: Swift.max(1, 32_768 / Swift.max(pixels.count, 1))) { items in
            let level = ComputeConfiguration.current.kernelLevel
            for item in items {
                let image = images.lowerBound + item / channelRange.count
                let channel = channelRange.lowerBound + item % channelRange.count
                apply(y + (image * channels + channel) * planePixels, image: image, channel: channel, pixels: pixels, level: level)
            }
        }
    }
}

extension Tensor {
    /// Inference-only: conv2d (stride 1) of `self` with its input channels scaled per image by
    /// `inputScale` [N, Cin] and `epilogue` applied to the output; equals
    /// `(self * inputScale[.., .., 1, 1]).conv2d(weight)` followed by the epilogue's ops.
    /// Records no gradient history: it refuses inputs that would need it.
    package func conv2d(_ weight: Tensor, padding: Int, inputScale: Tensor?, epilogue: ConvEpilogue) -> Tensor {
        precondition(!(GradMode.isEnabled && (requiresGrad || weight.requiresGrad || (inputScale?.requiresGrad ?? false)))
                     && !epilogue.needsHistory, "fused conv2d is inference-only; use the differentiable ops to train")
        if let inputScale, !inputScale.isContiguous {
            return conv2d(weight, padding: padding, inputScale: inputScale.contiguousValues(), epilogue: epilogue)
        }
        let g = ConvGeometry(input: shape, weight: weight.shape, stride: (1, 1), padding: (padding, padding), groups: 1)
        if let inputScale { precondition(inputScale.shape == [g.n, g.cin], "conv2d input scale \(inputScale.shape) for input \(shape)") }
        let y = Tensor(uninitializedShape: g.outputShape)
        let kernel = epilogue.kernel(for: g.outputShape)
        withUnsafeBufferPointer { px in
            weight.withUnsafeBufferPointer { pw in
                ConvWinograd.withTransformedWeights(weight, g) { u in
                    ConvKernels.forward(x: px.baseAddress!, w: pw.baseAddress!, y: y.storage.pointer, g,
                                        inputScale: inputScale.map { UnsafePointer($0.denseBase) },
                                        epilogue: kernel, winogradWeights: u)
                }
            }
        }
        return y
    }

    /// Inference-only: conv2d (stride 1) of `parts` joined along channels, with `epilogue`; equals
    /// `Tensor.concatenate(parts, axis: 1).conv2d(weight, padding:...)` and the epilogue, float for
    /// float. Where the Winograd path takes the convolution, each part is read where it lies, so a
    /// U-Net's join of upsampled features and a skip is never copied; elsewhere it is concatenated.
    package static func conv2d(joined parts: [Tensor], _ weight: Tensor, padding: Int, epilogue: ConvEpilogue) -> Tensor {
        precondition(!parts.isEmpty, "conv2d of no joined parts")
        let first = parts[0]
        precondition(parts.allSatisfy { $0.rank == 4 && $0.shape[0] == first.shape[0] && $0.shape[2...] == first.shape[2...] },
                     "cannot join \(parts.map(\.shape)) along channels")
        let channels = parts.reduce(0) { $0 + $1.shape[1] }
        let g = ConvGeometry(input: [first.shape[0], channels, first.shape[2], first.shape[3]], weight: weight.shape,
                             stride: (1, 1), padding: (padding, padding), groups: 1)
        guard parts.count > 1, ConvWinograd.applies(g) else {
            return Tensor.concatenate(parts, axis: 1).conv2d(weight, padding: padding, inputScale: nil, epilogue: epilogue)
        }
        precondition(!(GradMode.isEnabled && (parts.contains { $0.requiresGrad } || weight.requiresGrad))
                     && !epilogue.needsHistory, "fused conv2d is inference-only; use the differentiable ops to train")
        let dense = parts.map { $0.isContiguous ? $0 : $0.contiguousValues() }
        // Part p's channel c of image i, for the input channel it stands for in the join.
        var owner = [(part: Int, channel: Int)]()
        for (index, part) in dense.enumerated() { owner += (0..<part.shape[1]).map { (index, $0) } }
        let bases = dense.map { UnsafePointer($0.denseBase) }, counts = dense.map { $0.shape[1] }
        let plane = g.h * g.w
        let y = Tensor(uninitializedShape: g.outputShape)
        let kernel = epilogue.kernel(for: g.outputShape)
        withExtendedLifetime(dense) {
            ConvWinograd.withTransformedWeights(weight, g) { u in
                ConvWinograd.forward(planes: { image, c in
                    let (part, channel) = owner[c]
                    return bases[part] + (image * counts[part] + channel) * plane
                }, u: u!, y: y.storage.pointer, g, epilogue: kernel)  // applies(g): never nil
            }
        }
        return y
    }

    /// Inference-only: transposedConv2d (weight [in, out, kh, kw]) of `self` with its input channels
    /// scaled per image by `inputScale` [N, Cin]; equals
    /// `(self * inputScale[.., .., 1, 1]).transposedConv2d(weight, ...)`. StyleGAN2's upsampling
    /// layers take the Winograd path, which scales inside its input transform.
    package func transposedConv2d(_ weight: Tensor, stride: Int, padding: Int, inputScale: Tensor) -> Tensor {
        precondition(!(GradMode.isEnabled && (requiresGrad || weight.requiresGrad || inputScale.requiresGrad)),
                     "transposedConv2d with an input scale is inference-only; use the differentiable ops to train")
        precondition(rank == 4 && weight.rank == 4 && inputScale.shape == [shape[0], shape[1]],
                     "transposedConv2d input scale \(inputScale.shape) for input \(shape)")
        let size = { (n: Int, k: Int) in (n - 1) * stride - 2 * padding + k }
        let g = ConvGeometry.transposed(input: shape, weight: weight.shape, stride: (stride, stride), padding: (padding, padding),
                                        groups: 1, outputSize: (size(shape[2], weight.shape[2]), size(shape[3], weight.shape[3])))
        guard ConvWinogradUp.applies(g) else {
            return (self * inputScale.reshaped([shape[0], shape[1], 1, 1])).transposedConv2d(weight, stride: stride, padding: padding)
        }
        let z = Tensor(uninitializedShape: g.inputShape)
        withUnsafeBufferPointer { px in
            inputScale.withUnsafeBufferPointer { ps in
                ConvWinogradUp.withTransformedWeights(weight, g) { u in
                    ConvWinogradUp.forward(x: px.baseAddress!, u: u!, z: z.storage.pointer, g, inputScale: ps.baseAddress!)  // applies(g): never nil
                }
            }
        }
        return z
    }

    /// Inference-only: the epilogue applied in place to this NCHW tensor (copied first if shared).
    package mutating func applyEpilogue(_ epilogue: ConvEpilogue) {
        precondition(rank == 4, "epilogue needs an NCHW tensor, got \(shape)")
        precondition(!(GradMode.isEnabled && requiresGrad) && !epilogue.needsHistory,
                     "applyEpilogue is inference-only; use the differentiable ops to train")
        let kernel = epilogue.kernel(for: shape)
        let shape = self.shape
        withUnsafeMutableBufferPointer { y in
            kernel.apply(y.baseAddress!, images: 0..<shape[0], channels: 0..<shape[1], pixels: 0..<(shape[2] * shape[3]),
                         planePixels: shape[2] * shape[3])
        }
    }
}

extension Tensor {
    /// Inference-only: conv2d (stride 1) of each image n of `self` with its own weight
    /// `sampleWeights[n]` ([N, Cout, Cin, kh, kw]; NVLabs' fused modulated convolution), then `epilogue`.
    package func conv2d(sampleWeights: Tensor, padding: Int, epilogue: ConvEpilogue = ConvEpilogue()) -> Tensor {
        precondition(rank == 4 && sampleWeights.rank == 5 && sampleWeights.shape[0] == shape[0],
                     "conv2d per-sample weights \(sampleWeights.shape) for input \(shape)")
        precondition(!(GradMode.isEnabled && (requiresGrad || sampleWeights.requiresGrad)) && !epilogue.needsHistory,
                     "fused conv2d is inference-only; use the differentiable ops to train")
        let n = shape[0]
        let g = ConvGeometry(input: [1] + shape.dropFirst(), weight: Array(sampleWeights.shape.dropFirst()),
                             stride: (1, 1), padding: (padding, padding), groups: 1)
        let y = Tensor(uninitializedShape: [n] + g.outputShape.dropFirst())
        let kernel = epilogue.kernel(for: y.shape)
        let (inImage, outImage, wImage) = (g.cin * g.h * g.w, g.cout * g.outH * g.outW, Shape.count(g.weightShape))
        withUnsafeBufferPointer { px in
            sampleWeights.withUnsafeBufferPointer { pw in
                for image in 0..<n {
                    ConvKernels.forward(x: px.baseAddress! + image * inImage, w: pw.baseAddress! + image * wImage,
                                        y: y.storage.pointer + image * outImage, g,
                                        epilogue: kernel.forImage(image, pixels: g.outH * g.outW))
                }
            }
        }
        return y
    }
}
