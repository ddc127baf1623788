import CKernels

/// The settings of StyleGAN3's filtered leaky ReLU (NVLabs `filtered_lrelu`): bias, upsampling FIR,
/// leaky ReLU with gain and clamp, downsampling FIR.
public struct FilteredLeakyReLU: Sendable, Equatable {
    /// The upsampling filter (separable; identity for none).
    public var upFilter: FIRFilter
    /// The upsampling factor (zeros inserted between samples).
    public var up: Int
    /// The downsampling filter (separable or 2-D; identity for none).
    public var downFilter: FIRFilter
    /// The downsampling factor (every `down`-th filtered value kept).
    public var down: Int
    /// Padding of the upsampled image before the upsampling filter (negative crops).
    public var padding: ResamplePadding
    /// Applied after the activation (sqrt 2 for StyleGAN3's layers, 1 for its toRGB).
    public var gain: Float
    /// The leaky ReLU's slope for negative values (1: linear).
    public var slope: Float
    /// Values are clamped to ±clamp after the gain (nil: no clamp).
    public var clamp: Float?

    /// Settings with NVLabs' defaults: no filters, gain sqrt 2, slope 0.2, no clamp.
    public init(upFilter: FIRFilter = .identity, up: Int = 1, downFilter: FIRFilter = .identity, down: Int = 1,
                padding: ResamplePadding = 0, gain: Float = Float(2.0.squareRoot()), slope: Float = 0.2, clamp: Float? = nil) {
        precondition(up >= 1 && down >= 1, "filtered leaky ReLU factors must be positive (up \(up), down \(down))")
        precondition(upFilter.isSeparable || upFilter.taps.count == 1, "the upsampling filter of a filtered leaky ReLU is separable")
        precondition(downFilter.height == downFilter.width, "the downsampling filter of a filtered leaky ReLU is square")
        self.upFilter = upFilter
        self.up = up
        self.downFilter = downFilter
        self.down = down
        self.padding = padding
        self.gain = gain
        self.slope = slope
        self.clamp = clamp
    }

    /// The output size for an input of `height` x `width` (NVLabs' formula).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let h = height * up + padding.y0 + padding.y1 - (upFilter.height - 1) - (downFilter.height - 1)
        let w = width * up + padding.x0 + padding.x1 - (upFilter.width - 1) - (downFilter.width - 1)
        return (floorDiv(h + down - 1, down), floorDiv(w + down - 1, down))
    }
}

extension Tensor {
    /// NVLabs `filtered_lrelu` on an NCHW tensor with `bias` [C] (or nil). `.reference` composes the
    /// differentiable ops (bias, upfirdn2d, bias_act, upfirdn2d) as NVLabs' reference does; `.fast`
    /// runs the fused kernel, inference only, without the full-size upsampled intermediate.
    public func filteredLeakyReLU(bias: Tensor?, _ op: FilteredLeakyReLU,
                                  implementation: UpFirDnImplementation = .fast) -> Tensor {
        precondition(rank == 4, "filtered leaky ReLU expects an NCHW tensor, got \(shape)")
        if let bias { precondition(bias.shape == [shape[1]], "filtered leaky ReLU bias \(bias.shape) for input \(shape)") }
        let size = op.outputSize(height: shape[2], width: shape[3])
        precondition(size.height > 0 && size.width > 0, "filtered leaky ReLU: input \(shape) with \(op) leaves no output")
        let needsHistory = GradMode.isEnabled && (requiresGrad || (bias?.requiresGrad ?? false))
        guard implementation == .fast && !needsHistory else { return filteredLeakyReLUComposed(bias: bias, op) }
        return filteredLeakyReLUFused(bias: bias, op, outputSize: size)
    }

    private func filteredLeakyReLUComposed(bias: Tensor?, _ op: FilteredLeakyReLU) -> Tensor {
        var x = bias.map { biasActivation($0) } ?? self
        x = x.upfirdn2d(op.upFilter, up: ResampleFactor(op.up), padding: op.padding, gain: Float(op.up * op.up))
        x = x.biasActivation(nil, activation: .leakyReLU(slope: op.slope), gain: op.gain, clamp: op.clamp)
        return x.upfirdn2d(op.downFilter, down: ResampleFactor(op.down))
    }

    private func filteredLeakyReLUFused(bias: Tensor?, _ op: FilteredLeakyReLU, outputSize: (height: Int, width: Int)) -> Tensor {
        let x = contiguousValues()
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (outH, outW) = outputSize
        let out = Tensor(uninitializedShape: [n, c, outH, outW])
        let fu = op.upFilter.correlationWeights(flipFilter: false, gain: Float(op.up * op.up)).taps
        let fd = op.downFilter.correlationWeights(flipFilter: false, gain: 1).taps
        let (ku, kd) = (op.upFilter.width, op.downFilter.width)
        let fd2D: Int32 = op.downFilter.isSeparable || kd == 1 ? 0 : 1
        let p = op.padding
        let scratchCount = toon_filtered_lrelu_scratch(h, w, Int32(ku), Int32(op.up), Int32(p.x0), Int32(p.x1),
                                                       Int32(p.y0), Int32(p.y1), Int32(kd), Int32(op.down), outW)
        let biases = bias.map { $0.contiguousValues().scalars } ?? [Float](repeating: 0, count: c)
        let bound = op.clamp ?? .infinity
        // One scratch per worker, from the reusable pool: fresh pages would be zeroed by the kernel on every call.
        let workers = Swift.max(1, Swift.min(Parallel.workerCount, n * c))
        let scratch = Tensor(uninitializedShape: [workers, scratchCount])
        let scratchBase = UncheckedSendable(scratch.storage.pointer)
        let src = UncheckedSendable(UnsafePointer(x.denseBase)), dst = UncheckedSendable(out.storage.pointer)
        fu.withUnsafeBufferPointer { fuBuffer in
            fd.withUnsafeBufferPointer { fdBuffer in
                biases.withUnsafeBufferPointer { biasBuffer in
                    let (fuP, fdP, bP) = (UncheckedSendable(fuBuffer.baseAddress!), UncheckedSendable(fdBuffer.baseAddress!),
                                          UncheckedSendable(biasBuffer.baseAddress!))
                    Parallel.forEach(workers, grain: 1) { chunk in
                        let level = ComputeConfiguration.current.kernelLevel
                        for worker in chunk {
                            let scratch = scratchBase.value + worker * scratchCount
                            for plane in (n * c * worker / workers)..<(n * c * (worker + 1) / workers) {
                                toon_filtered_lrelu(level, src.value + plane * h * w, h, w, bP.value[plane % c], fuP.value,
                                                    Int32(ku), Int32(op.up), Int32(p.x0), Int32(p.x1), Int32(p.y0), Int32(p.y1),
                                                    op.slope, op.gain, -bound, bound, fdP.value, Int32(kd), fd2D, Int32(op.down),
                                                    dst.value + plane * outH * outW, outH, outW, scratch)
                            }
                        }
                    }
                }
            }
        }
        withExtendedLifetime(scratch) {}
        return out
    }
}
