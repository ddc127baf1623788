// upfirdn2d: upsample by zero insertion, pad (or crop), FIR filter, downsample, on NCHW tensors,
// with NVLabs' semantics (stylegan2-ada-pytorch torch_utils/ops/upfirdn2d.py, reference path):
// - the filter is scaled by gain^(ndim/2) -- gain^(1/2) per axis for a separable filter, gain for a
//   2-D one -- and flipped unless `flipFilter`, then applied as a cross-correlation (so the default
//   is a true convolution);
// - padding is (x0, x1, y0, y1); negative values crop.
// The fast path skips inserted zeros (each output only visits the taps that land on input samples),
// runs separable filters as two 1-D passes, and splits N*C planes across cores. The reference path
// follows the NVLabs steps literally and exists to test the fast one.

/// Per-axis integer scale factor (x, y) for up- and downsampling; an integer literal sets both.
public struct ResampleFactor: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// Horizontal factor.
    public var x: Int
    /// Vertical factor.
    public var y: Int

    /// Separate horizontal and vertical factors, each at least 1.
    public init(x: Int, y: Int) {
        precondition(x >= 1 && y >= 1, "resampling factors must be at least 1, got (\(x), \(y))")
        self.x = x
        self.y = y
    }

    /// The same factor on both axes.
    public init(_ both: Int) { self.init(x: both, y: both) }
    /// The same factor on both axes.
    public init(integerLiteral value: Int) { self.init(value) }
}

/// Padding (x0, x1, y0, y1) in NVLabs' order: left, right, top, bottom. Negative values crop.
public struct ResamplePadding: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// Left.
    public var x0: Int
    /// Right.
    public var x1: Int
    /// Top.
    public var y0: Int
    /// Bottom.
    public var y1: Int

    /// Each side separately.
    public init(x0: Int, x1: Int, y0: Int, y1: Int) {
        self.x0 = x0
        self.x1 = x1
        self.y0 = y0
        self.y1 = y1
    }

    /// `x` on both horizontal sides, `y` on both vertical sides.
    public init(x: Int, y: Int) { self.init(x0: x, x1: x, y0: y, y1: y) }
    /// The same amount on all four sides.
    public init(_ all: Int) { self.init(x: all, y: all) }
    /// The same amount on all four sides.
    public init(integerLiteral value: Int) { self.init(value) }
}

/// An FIR filter for `upfirdn2d`: separable (one tap list applied along both axes) or a full 2-D
/// kernel stored row-major as [height, width].
public struct FIRFilter: Sendable, Equatable {
    /// The 1-D taps (separable) or the row-major [height, width] kernel.
    public let taps: [Float]
    /// Rows the filter spans (the tap count when separable).
    public let height: Int
    /// Columns the filter spans (the tap count when separable).
    public let width: Int
    /// True when `taps` is one 1-D filter applied along both axes.
    public let isSeparable: Bool

    /// A separable filter: `taps` runs along x and along y (NVLabs' 1-D filter tensor).
    public init(separable taps: [Float]) {
        precondition(!taps.isEmpty, "an FIR filter needs at least one tap")
        self.taps = taps
        self.height = taps.count
        self.width = taps.count
        self.isSeparable = true
    }

    /// A 2-D filter of `height` rows and `width` columns (NVLabs' 2-D filter tensor).
    public init(height: Int, width: Int, taps: [Float]) {
        precondition(height >= 1 && width >= 1 && taps.count == height * width,
                     "\(taps.count) taps do not fill a \(height)x\(width) filter")
        self.taps = taps
        self.height = height
        self.width = width
        self.isSeparable = false
    }

    /// The 1x1 filter [[1]]: NVLabs' behaviour when no filter is given.
    public static let identity = FIRFilter(height: 1, width: 1, taps: [1])

    /// The filter as a tensor: [n] when separable, [height, width] otherwise.
    public var tensor: Tensor {
        Tensor(shape: isSeparable ? [taps.count] : [height, width], scalars: taps)
    }

    /// The weights that the cross-correlation uses: scaled by gain^(ndim/2), then flipped unless
    /// `flipFilter` (NVLabs' order).
    func correlationWeights(flipFilter: Bool, gain: Float) -> FIRFilter {
        let scale = isSeparable ? Float(Double(gain).squareRoot()) : gain
        var w = taps.map { $0 * scale }
        if !flipFilter { w.reverse() }  // reversing row-major [h, w] flips both axes
        return isSeparable ? FIRFilter(separable: w) : FIRFilter(height: height, width: width, taps: w)
    }

    /// Row `ky` of a 2-D filter, or the taps of a separable one.
    func row(_ ky: Int) -> [Float] {
        isSeparable ? taps : Array(taps[(ky * width)..<((ky + 1) * width)])
    }
}

/// NVLabs `setup_filter`: the filter `taps` normalised to sum 1, optionally flipped and scaled by
/// `gain` (gain^(1/2) per axis when separable). `separable: false` makes the 2-D outer product.
/// NVLabs picks 2-D for fewer than 8 taps; both forms give the same values up to float rounding.
public func setupFilter(_ taps: [Float], normalize: Bool = true, flip: Bool = false, gain: Float = 1,
                        separable: Bool = true) -> FIRFilter {
    precondition(!taps.isEmpty, "an FIR filter needs at least one tap")
    let n = taps.count
    var f = separable ? taps : (0..<(n * n)).map { taps[$0 / n] * taps[$0 % n] }
    if normalize {
        let total = f.reduce(0, +)
        f = f.map { $0 / total }
    }
    if flip { f.reverse() }
    let scale = separable ? Float(Double(gain).squareRoot()) : gain
    f = f.map { $0 * scale }
    return separable ? FIRFilter(separable: f) : FIRFilter(height: n, width: n, taps: f)
}

/// Which implementation `upfirdn2d` runs: the fast polyphase path, or the slow literal one that
/// mirrors NVLabs' reference steps (for tests).
public enum UpFirDnImplementation: Sendable {
    case fast
    case reference
}

extension Tensor {
    /// NVLabs `upfirdn2d` on an NCHW tensor: upsample by zero insertion, pad/crop, FIR filter,
    /// downsample. Differentiable (to any order) with respect to the input; the filter is a constant.
    public func upfirdn2d(_ filter: FIRFilter = .identity, up: ResampleFactor = 1, down: ResampleFactor = 1,
                          padding: ResamplePadding = 0, flipFilter: Bool = false, gain: Float = 1,
                          implementation: UpFirDnImplementation = .fast) -> Tensor {
        precondition(rank == 4, "upfirdn2d expects an NCHW tensor, got \(shape)")
        let weights = filter.correlationWeights(flipFilter: flipFilter, gain: gain)
        var out: Tensor
        switch implementation {
        case .fast: out = upfirdn2dFast(weights, up: up, down: down, padding: padding)
        case .reference: out = upfirdn2dReference(weights, up: up, down: down, padding: padding)
        }
        if Tensor.shouldRecord(self) {
            // The adjoint is upfirdn2d with up and down swapped and the filter flipped; the padding
            // makes the adjoint's output exactly the input's size.
            let (inH, inW, outH, outW) = (shape[2], shape[3], out.shape[2], out.shape[3])
            let adjointPadding = ResamplePadding(
                x0: filter.width - padding.x0 - 1,
                x1: inW * up.x - outW * down.x + padding.x0 - up.x + 1,
                y0: filter.height - padding.y0 - 1,
                y1: inH * up.y - outH * down.y + padding.y0 - up.y + 1)
            out.recordHistory("upfirdn2d", inputs: [self]) { g in
                [g.upfirdn2d(filter, up: down, down: up, padding: adjointPadding, flipFilter: !flipFilter,
                             gain: gain, implementation: implementation)]
            }
        }
        return out
    }

    /// NVLabs `upsample2d`: upfirdn2d with `up`, padding centred for the filter, and gain up.x*up.y
    /// so the mean is preserved.
    public func upsample2d(_ filter: FIRFilter, up: ResampleFactor = 2, padding: ResamplePadding = 0,
                           flipFilter: Bool = false, gain: Float = 1) -> Tensor {
        let p = ResamplePadding(
            x0: padding.x0 + floorDiv(filter.width + up.x - 1, 2), x1: padding.x1 + floorDiv(filter.width - up.x, 2),
            y0: padding.y0 + floorDiv(filter.height + up.y - 1, 2), y1: padding.y1 + floorDiv(filter.height - up.y, 2))
        return upfirdn2d(filter, up: up, padding: p, flipFilter: flipFilter, gain: gain * Float(up.x * up.y))
    }

    /// NVLabs `downsample2d`: upfirdn2d with `down` and padding centred for the filter.
    public func downsample2d(_ filter: FIRFilter, down: ResampleFactor = 2, padding: ResamplePadding = 0,
                             flipFilter: Bool = false, gain: Float = 1) -> Tensor {
        let p = ResamplePadding(
            x0: padding.x0 + floorDiv(filter.width - down.x + 1, 2), x1: padding.x1 + floorDiv(filter.width - down.x, 2),
            y0: padding.y0 + floorDiv(filter.height - down.y + 1, 2), y1: padding.y1 + floorDiv(filter.height - down.y, 2))
        return upfirdn2d(filter, down: down, padding: p, flipFilter: flipFilter, gain: gain)
    }

    /// NVLabs `filter2d`: the filter applied at the same resolution, padded so the output keeps the
    /// input's size (plus `padding`).
    public func filter2d(_ filter: FIRFilter, padding: ResamplePadding = 0, flipFilter: Bool = false,
                         gain: Float = 1) -> Tensor {
        let p = ResamplePadding(
            x0: padding.x0 + filter.width / 2, x1: padding.x1 + (filter.width - 1) / 2,
            y0: padding.y0 + filter.height / 2, y1: padding.y1 + (filter.height - 1) / 2)
        return upfirdn2d(filter, padding: p, flipFilter: flipFilter, gain: gain)
    }
}

/// Python's floor division, which the NVLabs padding formulas use (operands can be negative).
@inlinable public func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// One axis of upfirdn2d as a sparse map: for each output, the (input index, tap index) pairs whose
/// upsampled position is a real sample inside the input. Inserted zeros and padding never appear.
struct FIRAxisPlan {
    let inSize: Int
    let outSize: Int
    let entries: [[(input: Int, tap: Int)]]

    init(inSize: Int, up: Int, down: Int, pad0: Int, pad1: Int, taps: Int) {
        let padded = inSize * up + pad0 + pad1
        precondition(padded >= taps,
                     "upfirdn2d: \(inSize) samples upsampled by \(up) and padded by (\(pad0), \(pad1)) is shorter than the \(taps)-tap filter")
        let outSize = (padded - taps) / down + 1
        var entries: [[(input: Int, tap: Int)]] = []
        entries.reserveCapacity(outSize)
        for o in 0..<outSize {
            // Output o reads upsampled positions o*down - pad0 + k for k in 0..<taps.
            let start = o * down - pad0
            var row: [(input: Int, tap: Int)] = []
            // First k at which start + k is a multiple of up, then every up-th tap.
            var k = ((-start) % up + up) % up
            while k < taps {
                let j = (start + k) / up
                if start + k >= 0 && j < inSize { row.append((j, k)) }
                k += up
            }
            entries.append(row)
        }
        self.inSize = inSize
        self.outSize = outSize
        self.entries = entries
    }

    /// The axis as a weighted map, with `weights[k]` on tap k.
    func map(_ weights: [Float]) -> AxisMap {
        AxisMap(inSize: inSize, entries: entries.map { row in row.map { ($0.input, weights[$0.tap]) } })
    }
}

extension Tensor {
    /// The polyphase fast path; `w` are the correlation weights (already flipped and scaled).
    func upfirdn2dFast(_ w: FIRFilter, up: ResampleFactor, down: ResampleFactor, padding: ResamplePadding) -> Tensor {
        guard isContiguous else { return contiguousValues().upfirdn2dFast(w, up: up, down: down, padding: padding) }
        let (n, c, h, wd) = (shape[0], shape[1], shape[2], shape[3])
        let planX = FIRAxisPlan(inSize: wd, up: up.x, down: down.x, pad0: padding.x0, pad1: padding.x1, taps: w.width)
        let planY = FIRAxisPlan(inSize: h, up: up.y, down: down.y, pad0: padding.y0, pad1: padding.y1, taps: w.height)
        let outH = planY.outSize, outW = planX.outSize
        let out = Tensor(uninitializedShape: [n, c, outH, outW])
        let planes = n * c
        guard planes > 0 else { return out }
        let src = denseBase, dst = out.storage.pointer
        let inPlane = h * wd, outPlane = outH * outW
        let grain = Swift.max(1, 65_536 / Swift.max(outPlane, 1))
        if w.isSeparable {
            let mapX = planX.map(w.taps), mapY = planY.map(w.taps)
            Parallel.forEach(planes, grain: grain) { range in
                // Horizontal pass into a per-thread plane, then vertical pass on whole rows.
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(h * outW, 1))
                defer { scratch.deallocate() }
                for p in range {
                    mapX.applyAlongRows(src + p * inPlane, scratch, rows: 0..<h)
                    mapY.applyAcrossRows(scratch, dst + p * outPlane, inner: outW, outputs: 0..<outH)
                }
            }
        } else {
            let rowMaps = (0..<w.height).map { planX.map(w.row($0)) }
            let entriesY = planY.entries
            Parallel.forEach(planes, grain: grain) { range in
                for p in range {
                    let s = src + p * inPlane
                    for oy in 0..<outH {
                        let d = dst + p * outPlane + oy * outW
                        d.initialize(repeating: 0, count: outW)
                        for (iy, ky) in entriesY[oy] {
                            let row = s + iy * wd, map = rowMaps[ky], width = map.width
                            map.index.withUnsafeBufferPointer { idx in
                                map.weight.withUnsafeBufferPointer { wts in
                                    for ox in 0..<outW {
                                        var acc: Float = 0
                                        for t in 0..<width { acc += wts[ox * width + t] * row[idx[ox * width + t]] }
                                        d[ox] += acc
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// NVLabs' reference steps, literally: zero insertion, pad then crop, correlation (two 1-D
    /// passes for a separable filter, one 2-D pass otherwise), then keep every down-th sample.
    func upfirdn2dReference(_ w: FIRFilter, up: ResampleFactor, down: ResampleFactor, padding: ResamplePadding) -> Tensor {
        let (n, c, h, wd) = (shape[0], shape[1], shape[2], shape[3])
        let x = scalars
        // Upsample by inserting zeros.
        let uh = h * up.y, uw = wd * up.x
        var u = [Float](repeating: 0, count: n * c * uh * uw)
        for p in 0..<(n * c) {
            for iy in 0..<h {
                for ix in 0..<wd { u[(p * uh + iy * up.y) * uw + ix * up.x] = x[(p * h + iy) * wd + ix] }
            }
        }
        // Pad with zeros by the positive amounts, then crop by the negative ones.
        let ph = uh + Swift.max(padding.y0, 0) + Swift.max(padding.y1, 0)
        let pw = uw + Swift.max(padding.x0, 0) + Swift.max(padding.x1, 0)
        var padded = [Float](repeating: 0, count: n * c * ph * pw)
        for p in 0..<(n * c) {
            for y in 0..<uh {
                for xx in 0..<uw {
                    padded[(p * ph + y + Swift.max(padding.y0, 0)) * pw + xx + Swift.max(padding.x0, 0)] = u[(p * uh + y) * uw + xx]
                }
            }
        }
        let cy0 = Swift.max(-padding.y0, 0), cx0 = Swift.max(-padding.x0, 0)
        let ch = ph - cy0 - Swift.max(-padding.y1, 0), cw = pw - cx0 - Swift.max(-padding.x1, 0)
        precondition(ch >= w.height && cw >= w.width, "upfirdn2d: padded input \(ch)x\(cw) is smaller than the filter")
        var cropped = [Float](repeating: 0, count: n * c * ch * cw)
        for p in 0..<(n * c) {
            for y in 0..<ch {
                for xx in 0..<cw { cropped[(p * ch + y) * cw + xx] = padded[(p * ph + y + cy0) * pw + xx + cx0] }
            }
        }
        // Correlate (valid region only).
        let fh = ch - w.height + 1, fw = cw - w.width + 1
        var filtered = [Float](repeating: 0, count: n * c * fh * fw)
        if w.isSeparable {
            let k = w.taps.count
            var horizontal = [Float](repeating: 0, count: n * c * ch * fw)
            for p in 0..<(n * c) {
                for y in 0..<ch {
                    for xx in 0..<fw {
                        var acc: Float = 0
                        for t in 0..<k { acc += w.taps[t] * cropped[(p * ch + y) * cw + xx + t] }
                        horizontal[(p * ch + y) * fw + xx] = acc
                    }
                }
            }
            for p in 0..<(n * c) {
                for y in 0..<fh {
                    for xx in 0..<fw {
                        var acc: Float = 0
                        for t in 0..<k { acc += w.taps[t] * horizontal[(p * ch + y + t) * fw + xx] }
                        filtered[(p * fh + y) * fw + xx] = acc
                    }
                }
            }
        } else {
            for p in 0..<(n * c) {
                for y in 0..<fh {
                    for xx in 0..<fw {
                        var acc: Float = 0
                        for ky in 0..<w.height {
                            for kx in 0..<w.width {
                                acc += w.taps[ky * w.width + kx] * cropped[(p * ch + y + ky) * cw + xx + kx]
                            }
                        }
                        filtered[(p * fh + y) * fw + xx] = acc
                    }
                }
            }
        }
        // Downsample by keeping every down-th sample, starting at 0.
        let oh = (fh + down.y - 1) / down.y, ow = (fw + down.x - 1) / down.x
        var result = [Float](repeating: 0, count: n * c * oh * ow)
        for p in 0..<(n * c) {
            for y in 0..<oh {
                for xx in 0..<ow { result[(p * oh + y) * ow + xx] = filtered[(p * fh + y * down.y) * fw + xx * down.x] }
            }
        }
        return Tensor(shape: [n, c, oh, ow], scalars: result)
    }
}
