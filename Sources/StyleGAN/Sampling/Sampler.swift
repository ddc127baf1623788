import ToonCore

/// What every sampling command shares: truncation, noise and an optional class.
public struct SamplingOptions: Sendable {
    public var truncation: Truncation
    public var noise: NoiseMode
    public var classIndex: Int?

    public init(truncation: Truncation = .none, noise: NoiseMode = .const, classIndex: Int? = nil) {
        self.truncation = truncation
        self.noise = noise
        self.classIndex = classIndex
    }
}

extension Generator {
    /// ws for seeds: z from each seed, mapped and truncated. [seeds.count, numWs, wDim].
    public func ws(seeds: [UInt32], options: SamplingOptions) throws(StyleGANError) -> Tensor {
        let labels = try Latents.classLabels(options.classIndex, count: seeds.count, cDim: config.cDim)
        let z = Latents.z(seeds: seeds, zDim: config.zDim)
        return withoutGradients { mapping(z: z, c: labels, truncation: options.truncation) }
    }

    /// Images for `seeds`, computed `batchSize` at a time and handed to `body` as they are made
    /// (so a long run holds one batch, not every image). `body` gets the seeds and [n, C, R, R].
    /// Random noise is drawn from the batch's first seed, so with batch size 1 each image is
    /// reproducible from its own seed.
    public func generate(seeds: [UInt32], options: SamplingOptions, batchSize: Int = 1,
                         _ body: (ArraySlice<UInt32>, Tensor) throws -> Void) throws {
        for start in stride(from: 0, to: seeds.count, by: max(batchSize, 1)) {
            let batch = seeds[start..<min(seeds.count, start + max(batchSize, 1))]
            let ws = try ws(seeds: Array(batch), options: options)
            var noise = options.noise
            if case .random = noise { noise = .random(seed: batch.first!) }
            try body(batch, withoutGradients { synthesis(ws: ws, noise: noise) })
        }
    }

    /// Checks a w or w+ array from a file (projection output) and returns it as [N, numWs, wDim]:
    /// accepts [wDim] and [N, wDim] (broadcast to every layer), [numWs, wDim] and [N, numWs, wDim].
    public func validatedWs(_ w: Tensor) throws(StyleGANError) -> Tensor {
        let (numWs, wDim) = (self.numWs, config.wDim)
        switch w.shape.count {
        case 1 where w.shape[0] == wDim: return w.reshaped([1, 1, wDim]).expanded(to: [1, numWs, wDim])
        case 2 where w.shape == [numWs, wDim]: return w.reshaped([1, numWs, wDim])
        case 2 where w.shape[1] == wDim: return w.reshaped([w.shape[0], 1, wDim]).expanded(to: [w.shape[0], numWs, wDim])
        case 3 where w.shape[1] == numWs && w.shape[2] == wDim: return w
        default: throw .sampling(.wShape(w.shape, expected: [-1, numWs, wDim]))
        }
    }
}
