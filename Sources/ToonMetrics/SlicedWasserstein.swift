import ToonCore

/// Sliced Wasserstein distance between two image sets (Karras et al. 2018, as NVLabs' progressive-GAN
/// metric): 7x7 patches from every level of each image's Laplacian pyramid (down to 16 px), each
/// level's descriptors normalised per channel, then the Wasserstein-1 distance of their projections
/// on random directions, averaged. Reported x1000 per level, as NVLabs prints it. Needs no
/// pretrained network. Lower is closer.
public struct SlicedWasserstein: Sendable {
    public let resolution: Int
    public let patchSize = 7
    public let patchesPerImage: Int
    public let directionRepeats: Int
    public let directionsPerRepeat: Int

    public init(resolution: Int, patchesPerImage: Int = 128, directionRepeats: Int = 4, directionsPerRepeat: Int = 128) {
        precondition(resolution >= 16 && resolution & (resolution - 1) == 0, "SWD needs a power-of-two resolution of 16 or more")
        self.resolution = resolution
        self.patchesPerImage = patchesPerImage
        self.directionRepeats = directionRepeats
        self.directionsPerRepeat = directionsPerRepeat
    }

    /// Pyramid levels: R, R/2, ..., 16.
    public var levelResolutions: [Int] {
        var r = resolution, out: [Int] = []
        while r >= 16 { out.append(r); r /= 2 }
        return out
    }

    /// Patches gathered from a set of images, one row of C*7*7 values per patch, per level.
    public struct Descriptors: Sendable {
        public var levels: [[Float]]
        public var count: Int
    }

    public func emptyDescriptors() -> Descriptors { Descriptors(levels: levelResolutions.map { _ in [] }, count: 0) }

    /// Adds images [N, 3, R, R] in -1...1 (quantised to 0...255 as saved images are). `seed` picks the
    /// patch positions; give each batch its own.
    public func add(_ images: Tensor, to descriptors: inout Descriptors, seed: UInt32) {
        precondition(images.rank == 4 && images.shape[2] == resolution && images.shape[3] == resolution,
                     "SWD: images \(images.shape) are not \(resolution)px")
        let (n, c) = (images.shape[0], images.shape[1])
        let plane = c * resolution * resolution
        let values = images.scalars
        var random = NumpyRandomState(seed: seed)
        let half = patchSize / 2
        for i in 0..<n {
            let image = values[(i * plane)..<((i + 1) * plane)].map { Swift.min(Swift.max(($0 * 127.5 + 128).rounded(.down), 0), 255) }
            let pyramid = LaplacianPyramid.levels(of: image, channels: c, size: resolution, count: levelResolutions.count)
            for (level, (pixels, size)) in pyramid.enumerated() {
                for _ in 0..<patchesPerImage {
                    let x = half + Int(random.randomSample() * Double(size - 2 * half))
                    let y = half + Int(random.randomSample() * Double(size - 2 * half))
                    for ch in 0..<c {
                        for dy in -half...half {
                            let row = (ch * size + y + dy) * size
                            for dx in -half...half { descriptors.levels[level].append(pixels[row + x + dx]) }
                        }
                    }
                }
            }
        }
        descriptors.count += n
    }

    /// Distances x1000 per level (finest first), and their mean last.
    public func distances(_ a: Descriptors, _ b: Descriptors, seed: UInt32 = 0) -> [Double] {
        let width = 3 * patchSize * patchSize
        var random = NumpyRandomState(seed: seed)
        var out: [Double] = []
        for level in 0..<a.levels.count {
            let rows = Swift.min(a.levels[level].count, b.levels[level].count) / width
            let x = normalized(Array(a.levels[level].prefix(rows * width)), width: width)
            let y = normalized(Array(b.levels[level].prefix(rows * width)), width: width)
            var total = 0.0
            for _ in 0..<directionRepeats {
                var directions = random.normalTensor([width, directionsPerRepeat])
                directions = directions / directions.square().sum(axes: [0], keepDims: true).sqrt()
                let px = x.matmul(directions).permuted([1, 0]).scalars
                let py = y.matmul(directions).permuted([1, 0]).scalars
                // Sorting dominates; directions are independent, so they sort in parallel.
                var sums = [Double](repeating: 0, count: directionsPerRepeat)
                sums.withUnsafeMutableBufferPointer { out in
                    let out = SendableBuffer(out)
                    Parallel.forEach(directionsPerRepeat, grain: 1) { range in
                        for d in range {
                            let sx = RadixSort.sorted(px[(d * rows)..<((d + 1) * rows)]), sy = RadixSort.sorted(py[(d * rows)..<((d + 1) * rows)])
                            var sum = 0.0
                            for k in 0..<rows { sum += Double(Swift.abs(sx[k] - sy[k])) }
                            out.buffer[d] = sum
                        }
                    }
                }
                total += sums.reduce(0, +) / Double(rows * directionsPerRepeat)
            }
            out.append(total / Double(directionRepeats) * 1000)
        }
        out.append(out.reduce(0, +) / Double(out.count))
        return out
    }

    /// Rows [rows, width], each channel (a third of the columns) shifted to mean 0 and scaled to std 1
    /// over all rows and its pixels.
    private func normalized(_ values: [Float], width: Int) -> Tensor {
        let rows = values.count / width, perChannel = width / 3
        var v = values
        for ch in 0..<3 {
            var sum = 0.0, squares = 0.0
            for r in 0..<rows { for k in 0..<perChannel { let e = Double(v[r * width + ch * perChannel + k]); sum += e; squares += e * e } }
            let count = Double(rows * perChannel)
            let mean = sum / count
            let std = Swift.max((squares / count - mean * mean).squareRoot(), 1e-8)
            for r in 0..<rows { for k in 0..<perChannel { let i = r * width + ch * perChannel + k; v[i] = Float((Double(v[i]) - mean) / std) } }
        }
        return Tensor(shape: [rows, width], scalars: v)
    }
}

/// A buffer written at disjoint indices by a `Parallel` loop.
private struct SendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>
    init(_ buffer: UnsafeMutableBufferPointer<Double>) { self.buffer = buffer }
}
