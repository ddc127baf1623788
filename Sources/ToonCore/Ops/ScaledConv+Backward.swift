import CKernels

// scaledConv2d's VJP without recording: one pass from the output gradient back through the epilogue
// (clamp, activation, gain, noise, output scale) that also sums the noise and output-scale gradients,
// the input-gradient convolution (with the FIR filter's adjoint first when upsampling), and one pass
// through the input scale that sums its gradient.

extension Tensor {
    /// Pixels of one plane a task takes at a time: a noise-gradient chunk this size stays in cache
    /// while the task walks every channel.
    private static let epilogueChunk = 2048

    /// Gradients for `inputs.recorded` (nil where none is needed), given the op's output and its gradient.
    static func scaledConvBackward(_ inputs: ScaledConvInputs, output y: Tensor, _ g: Tensor) -> [Tensor?] {
        let needed = inputs.recorded.enumerated().map { isGradientNeeded($1, index: $0) }
        let (needX, needInputScale, needOutputScale, needNoise) = (needed[0], needed[1], needed[2], needed[3])
        let epilogueGrads = epilogueBackward(inputs, output: y, g.contiguousValues(), outputScale: needOutputScale,
                                             noise: needNoise)
        guard needX || needInputScale else {
            return [nil, nil, epilogueGrads.outputScale, epilogueGrads.noise]
        }
        var gx = convolutionGradient(inputs, epilogueGrads.conv)
        var gInputScale: Tensor?
        if let scale = inputs.inputScale {
            gInputScale = scaleBackward(&gx, x: inputs.x.contiguousValues(), scale: scale, needScale: needInputScale)
        }
        return [needX ? gx : nil, gInputScale, epilogueGrads.outputScale, epilogueGrads.noise]
    }

    /// The gradient of the raw convolution output, and those of the output scale and the noise.
    private static func epilogueBackward(_ inputs: ScaledConvInputs, output y: Tensor, _ g: Tensor, outputScale needScale: Bool,
                                         noise needNoise: Bool) -> (conv: Tensor, outputScale: Tensor?, noise: Tensor?) {
        let (n, channels, pixels) = (y.shape[0], y.shape[1], y.shape[2] * y.shape[3])
        let chunks = (pixels + epilogueChunk - 1) / epilogueChunk
        let gConv = Tensor(uninitializedShape: y.shape)
        let scalePartials = needScale ? Tensor.zeros([n, chunks, channels]) : nil
        let noiseGrad = needNoise ? Tensor.zeros([n, pixels]) : nil
        let e = inputs.epilogue
        let scale = inputs.outputScale?.detached(), noise = inputs.noise?.detached(), bias = e.bias
        let noiseImageStride = noise.map { $0.count == pixels ? 0 : pixels } ?? 0
        let bound = e.clamp ?? .infinity
        let (slope, gain, strength) = (e.activation.negativeSlope, e.gain, e.noiseStrength)
        let pointers = UncheckedSendable((g: UnsafePointer(g.denseBase), y: UnsafePointer(y.denseBase),
                                          gConv: gConv.storage.pointer,
                                          scale: scale.map { UnsafePointer($0.denseBase) },
                                          noise: noise.map { UnsafePointer($0.denseBase) },
                                          bias: bias.map { UnsafePointer($0.denseBase) },
                                          partials: scalePartials?.storage.pointer, noiseGrad: noiseGrad?.storage.pointer))
        Parallel.forEach(n * chunks, grain: 1) { items in
            let p = pointers.value, level = ComputeConfiguration.current.kernelLevel
            for item in items {
                let (image, chunk) = item.quotientAndRemainder(dividingBy: chunks)
                let start = chunk * epilogueChunk, count = Swift.min(epilogueChunk, pixels - start)
                let noiseRun = p.noise.map { $0 + image * noiseImageStride + start }
                let noiseGradRun = p.noiseGrad.map { $0 + image * pixels + start }
                for channel in 0..<channels {
                    let offset = (image * channels + channel) * pixels + start
                    toon_epilogue_backward(level, p.g + offset, p.y + offset, count, p.scale?[image * channels + channel] ?? 1,
                                           noiseRun, strength, p.bias?[channel] ?? 0, slope, gain, -bound, bound,
                                           p.gConv + offset, noiseGradRun,
                                           p.partials.map { $0 + (image * chunks + chunk) * channels + channel })
                }
            }
        }
        let scaleGrad = scalePartials.map { $0.sum(axes: [1]) }
        let noiseGradient: Tensor? = noiseGrad.map { grad in
            let perMap = noise!.count == pixels ? grad.sum(axes: [0]) : grad
            return perMap.reshaped(noise!.shape)
        }
        withExtendedLifetime((g, y, scale, noise, bias)) {}
        return (gConv, scaleGrad, noiseGradient)
    }

    /// The gradient of x * inputScale from that of the convolution's output.
    private static func convolutionGradient(_ inputs: ScaledConvInputs, _ gConv: Tensor) -> Tensor {
        let weight = inputs.weight
        guard let up = inputs.upsampling else {
            let g = ConvGeometry(input: inputs.x.shape, weight: weight.shape, stride: (1, 1),
                                 padding: (inputs.padding, inputs.padding), groups: 1)
            return convolutionInputGradient(gConv, weight, g)
        }
        // The FIR filter's adjoint (the flipped filter, padded back to its input's size), then the
        // transposed convolution's adjoint, a stride-2 convolution.
        let (h, w, k) = (inputs.x.shape[2], inputs.x.shape[3], weight.shape[2])
        let (filteredH, filteredW) = ((h - 1) * 2 - 2 * up.overlap + k, (w - 1) * 2 - 2 * up.overlap + k)
        let (outH, outW) = (gConv.shape[2], gConv.shape[3])
        let adjointPadding = ResamplePadding(x0: up.filter.width - up.padding.x0 - 1, x1: filteredW - outW + up.padding.x0,
                                             y0: up.filter.height - up.padding.y0 - 1, y1: filteredH - outH + up.padding.y0)
        let gFiltered = gConv.upfirdn2d(up.filter, padding: adjointPadding, flipFilter: true, gain: 4)
        // Dense once per weight: the strided convolution would copy the view on every call.
        let transposed = weight.derived("[in, out] weight") { $0.permuted([1, 0, 2, 3]).contiguousValues() }
        let g = ConvGeometry.transposed(input: inputs.x.shape, weight: transposed.shape, stride: (2, 2),
                                        padding: (up.overlap, up.overlap), groups: 1, outputSize: (filteredH, filteredW))
        return convolution(gFiltered, transposed, g)
    }

    /// Turns `gx`, the gradient of x * scale, into that of x in place; returns the scale's gradient [N, I]
    /// when `needScale`.
    private static func scaleBackward(_ gx: inout Tensor, x: Tensor, scale: Tensor, needScale: Bool) -> Tensor? {
        let (n, channels, pixels) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let scaleGrad = needScale ? Tensor(uninitializedShape: [n, channels]) : nil
        let scales = scale.detached().contiguousValues()
        gx.withUnsafeMutableBufferPointer { gxBuffer in
            let pointers = UncheckedSendable((gx: gxBuffer.baseAddress!, x: UnsafePointer(x.denseBase),
                                              scale: UnsafePointer(scales.denseBase),
                                              scaleGrad: scaleGrad.map { $0.storage.pointer }))
            Parallel.forEach(n * channels, grain: Swift.max(1, 16_384 / Swift.max(pixels, 1))) { planes in
                let p = pointers.value, level = ComputeConfiguration.current.kernelLevel
                for plane in planes {
                    toon_scale_backward(level, p.gx + plane * pixels, p.x + plane * pixels, pixels, p.scale[plane],
                                        p.scaleGrad.map { $0 + plane })
                }
            }
        }
        withExtendedLifetime((x, scales)) {}
        return scaleGrad
    }
}
