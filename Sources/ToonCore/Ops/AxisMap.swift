import CKernels

// A sparse linear map applied along one axis: the shared kernel behind FIR resampling, resize and
// average pooling. Its adjoint is the same kind of map, transposed, so one op with one VJP covers
// every separable linear resampler and differentiates to any order.

/// Output element j along the axis is sum over t of weight[j*width + t] * input[index[j*width + t]].
/// Every output has the same number of slots (`width`); unused slots carry weight 0.
struct AxisMap: Sendable, Equatable {
    let inSize: Int
    let outSize: Int
    let width: Int
    let index: [Int]
    let weight: [Float]
    /// Where the map is a plain filter (FIR blurs, upsampling by 2), that form, which runs as contiguous
    /// vector loops (`toon_axis_map_rows_regular`) with the same results.
    let regular: Regular?

    /// Outputs `interior` of a map whose output `phases * i + p` reads inputs `i + offsets[p] + t`
    /// with `weights[p * width + t]`, for t in 0..<width.
    struct Regular: Sendable, Equatable {
        let phases: Int
        let offsets: [Int]
        let weights: [Float]
        let interior: Range<Int>
    }

    /// Builds a map from each output's list of (input index, weight) pairs.
    init(inSize: Int, entries: [[(Int, Float)]]) {
        let width = entries.map(\.count).max() ?? 0
        var index = [Int](repeating: 0, count: entries.count * width)
        var weight = [Float](repeating: 0, count: entries.count * width)
        for (j, row) in entries.enumerated() {
            for (t, (i, w)) in row.enumerated() {
                precondition(i >= 0 && i < inSize, "axis map index \(i) outside 0..<\(inSize)")
                index[j * width + t] = i
                weight[j * width + t] = w
            }
        }
        self.inSize = inSize
        self.outSize = entries.count
        self.width = width
        self.index = index
        self.weight = weight
        self.regular = Self.regularForm(index: index, weight: weight, width: width, outSize: entries.count)
    }

    /// The regular form of a map, if outputs around its middle follow one (with one phase, or two
    /// phases of two taps, as upsampling by 2 with a 4-tap filter does), over the widest run of at
    /// least 16 outputs that does; nil otherwise.
    static func regularForm(index: [Int], weight: [Float], width: Int, outSize: Int) -> Regular? {
        guard width > 0, outSize >= 16 else { return nil }
        for phases in [1, 2] where phases == 1 || width == 2 {
            let middle = outSize / 2 / phases * phases
            guard middle + phases <= outSize else { continue }
            var offsets: [Int] = [], weights: [Float] = []
            for p in 0..<phases {
                let j = middle + p
                offsets.append(index[j * width] - j / phases)
                weights += weight[(j * width)..<((j + 1) * width)]
            }
            func follows(_ j: Int) -> Bool {
                let p = j % phases, base = j / phases + offsets[p]
                for t in 0..<width where index[j * width + t] != base + t || weight[j * width + t] != weights[p * width + t] {
                    return false
                }
                return true
            }
            guard (middle..<(middle + 2 * phases)).allSatisfy({ $0 < outSize && follows($0) }) else { continue }
            var lo = middle, hi = middle
            while lo > 0 && follows(lo - 1) { lo -= 1 }
            while hi < outSize && follows(hi) { hi += 1 }
            lo = (lo + phases - 1) / phases * phases
            hi = lo + (hi - lo) / phases * phases
            guard hi - lo >= 16 else { return nil }
            return Regular(phases: phases, offsets: offsets, weights: weights, interior: lo..<hi)
        }
        return nil
    }

    /// The adjoint map (input and output swapped). Slots with weight 0 are padding and are dropped.
    func transposed() -> AxisMap {
        var entries = [[(Int, Float)]](repeating: [], count: inSize)
        for j in 0..<outSize {
            for t in 0..<width where weight[j * width + t] != 0 {
                entries[index[j * width + t]].append((j, weight[j * width + t]))
            }
        }
        return AxisMap(inSize: outSize, entries: entries)
    }

    /// Applies the map along the contiguous last axis of `rows` rows: src is [rows, inSize],
    /// dst is [rows, outSize].
    func applyAlongRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        guard width > 0 else { (dst + rows.lowerBound * outSize).initialize(repeating: 0, count: rows.count * outSize); return }
        let level = ComputeConfiguration.current.kernelLevel
        index.withUnsafeBufferPointer { idx in
            weight.withUnsafeBufferPointer { wts in
                guard let regular else {
                    toon_axis_map_rows(level, src + rows.lowerBound * inSize, dst + rows.lowerBound * outSize, rows.count,
                                       inSize, outSize, idx.baseAddress!, wts.baseAddress!, width)
                    return
                }
                regular.offsets.withUnsafeBufferPointer { offsets in
                    regular.weights.withUnsafeBufferPointer { weights in
                        toon_axis_map_rows_regular(level, src + rows.lowerBound * inSize, dst + rows.lowerBound * outSize,
                                                   rows.count, inSize, outSize, idx.baseAddress!, wts.baseAddress!, width,
                                                   Int32(regular.phases), offsets.baseAddress!, weights.baseAddress!,
                                                   regular.interior.lowerBound, regular.interior.upperBound)
                    }
                }
            }
        }
    }

    /// Applies the map along an axis whose elements are `inner` apart: for each output index j in
    /// `outputs`, dst row j (length `inner`) = sum of weighted src rows. src is [inSize, inner].
    func applyAcrossRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, inner: Int,
                         outputs: Range<Int>) {
        let width = width
        index.withUnsafeBufferPointer { idx in
            weight.withUnsafeBufferPointer { wts in
                for j in outputs {
                    let d = dst + j * inner
                    guard width > 0 else { d.initialize(repeating: 0, count: inner); continue }
                    let base = j * width
                    let w0 = wts[base], s0 = src + idx[base] * inner
                    if width >= 2 {
                        let w1 = wts[base + 1], s1 = src + idx[base + 1] * inner
                        for i in 0..<inner { d[i] = w0 * s0[i] + w1 * s1[i] }
                    } else {
                        for i in 0..<inner { d[i] = w0 * s0[i] }
                    }
                    var t = 2
                    while t < width {
                        let w = wts[base + t], s = src + idx[base + t] * inner
                        if w != 0 { for i in 0..<inner { d[i] += w * s[i] } }
                        t += 1
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Applies `map` along `axis`, recording its transpose as the VJP.
    func resampled(along axis: Int, _ map: AxisMap) -> Tensor {
        let axis = Shape.axis(axis, rank: rank)
        precondition(shape[axis] == map.inSize, "axis map expects \(map.inSize) elements on axis \(axis) of \(shape)")
        var out = resampledValues(along: axis, map)
        if Tensor.shouldRecord(self) {
            let adjoint = map.transposed()
            out.recordHistory("resampleAxis", inputs: [self]) { g in [g.resampled(along: axis, adjoint)] }
        }
        return out
    }

    /// The values of `resampled(along:_:)`, without recording history.
    func resampledValues(along axis: Int, _ map: AxisMap) -> Tensor {
        guard isContiguous else { return contiguousValues().resampledValues(along: axis, map) }
        var outShape = shape
        outShape[axis] = map.outSize
        let out = Tensor(uninitializedShape: outShape)
        let outer = Shape.count(Array(shape[..<axis])), inner = Shape.count(Array(shape[(axis + 1)...]))
        let src = denseBase, dst = out.storage.pointer
        if out.count == 0 { return out }
        if inner == 1 {
            let perRow = Swift.max(1, map.outSize * Swift.max(map.width, 1))
            Parallel.forEach(outer, grain: Swift.max(1, 32_768 / perRow)) { rows in
                map.applyAlongRows(src, dst, rows: rows)
            }
        } else {
            let perRow = Swift.max(1, inner * Swift.max(map.width, 1))
            Parallel.forEach(outer * map.outSize, grain: Swift.max(1, 32_768 / perRow)) { range in
                var k = range.lowerBound
                while k < range.upperBound {
                    let o = k / map.outSize, j = k % map.outSize
                    let stop = Swift.min(range.upperBound - k, map.outSize - j)
                    map.applyAcrossRows(src + o * map.inSize * inner, dst + o * map.outSize * inner,
                                        inner: inner, outputs: j..<(j + stop))
                    k += stop
                }
            }
        }
        return out
    }
}
