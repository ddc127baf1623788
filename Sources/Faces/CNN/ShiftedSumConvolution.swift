import ToonCore

/// A stride-1 convolution with few output channels (the detector's last layer: one 9x9 filter over
/// 45 channels) as one wide matrix product and shifted sums. im2col would copy every input pixel
/// 81 times to feed a product with a single row; here each filter tap's channel weights multiply
/// the input once (a product with outputs x taps rows), and each output pixel adds the taps'
/// results from the pixels under the filter. The same multiply-adds, in another order.
enum ShiftedSumConvolution {
    /// Worth it when the product has few rows: outputs x taps at most this.
    static let maximumRows = 256

    static func applies(_ c: DetectorConvolution) -> Bool {
        c.strideX == 1 && c.strideY == 1 && c.outputs * c.rows * c.columns <= maximumRows
    }

    /// `input` [1, inputs, H, W] convolved with `c` (bias and relu included): [1, outputs, H', W'].
    static func apply(_ c: DetectorConvolution, to input: Tensor) -> Tensor {
        let (h, w) = (input.shape[2], input.shape[3])
        let size = c.outputSize(height: h, width: w)
        let taps = c.rows * c.columns
        // Row (o, tap) of the product: filter o's weights at that tap, one per input channel.
        var tapWeights = [Float](repeating: 0, count: c.outputs * taps * c.inputs)
        for o in 0..<c.outputs {
            for i in 0..<c.inputs {
                for t in 0..<taps { tapWeights[(o * taps + t) * c.inputs + i] = c.weight[(o * c.inputs + i) * taps + t] }
            }
        }
        var products = [Float](repeating: 0, count: c.outputs * taps * h * w)
        var output = [Float](repeating: 0, count: c.outputs * size.height * size.width)
        input.withUnsafeBufferPointer { x in
            tapWeights.withUnsafeBufferPointer { a in
                products.withUnsafeMutableBufferPointer { g in
                    BLAS.sgemm(transA: false, transB: false, m: c.outputs * taps, n: h * w, k: c.inputs,
                               a: a.baseAddress!, lda: c.inputs, b: x.baseAddress!, ldb: h * w, c: g.baseAddress!, ldc: h * w)
                }
            }
        }
        products.withUnsafeBufferPointer { g in
            output.withUnsafeMutableBufferPointer { y in
                let (g, y) = (SharedPointer(g.baseAddress!), SharedMutablePointer(y.baseAddress!))
                Parallel.forEach(c.outputs * size.height, grain: 8) { rows in
                    for item in rows { shiftedSum(c, products: g.value, input: (h, w), output: size, item: item, into: y.value) }
                }
            }
        }
        return Tensor(shape: [1, c.outputs, size.height, size.width], scalars: output)
    }
}

extension ShiftedSumConvolution {
    /// Output row `item` (channel-major) of `c`: its bias, plus each tap's products from the input
    /// row and columns under the filter (none outside the input: zero padding), then the relu.
    static func shiftedSum(_ c: DetectorConvolution, products g: UnsafePointer<Float>, input: (h: Int, w: Int),
                           output size: (height: Int, width: Int), item: Int, into y: UnsafeMutablePointer<Float>) {
        let (o, row) = (item / size.height, item % size.height)
        let taps = c.rows * c.columns
        let out = y + (o * size.height + row) * size.width
        for column in 0..<size.width { out[column] = c.bias[o] }
        for ky in 0..<c.rows {
            let sourceRow = row + ky - c.paddingY
            guard sourceRow >= 0 && sourceRow < input.h else { continue }
            for kx in 0..<c.columns {
                // Output column p reads input column p + kx - padding, where it exists.
                let shift = kx - c.paddingX
                let first = max(0, -shift), last = min(size.width, input.w - shift)
                guard last > first else { continue }
                let plane = g + ((o * taps + ky * c.columns + kx) * input.h + sourceRow) * input.w + shift
                for column in first..<last { out[column] += plane[column] }
            }
        }
        if c.relu { for column in 0..<size.width { out[column] = max(0, out[column]) } }
    }
}

/// Pointers handed to `Parallel` workers, each of which writes only its own rows.
struct SharedPointer: @unchecked Sendable {
    let value: UnsafePointer<Float>
    init(_ value: UnsafePointer<Float>) { self.value = value }
}

struct SharedMutablePointer: @unchecked Sendable {
    let value: UnsafeMutablePointer<Float>
    init(_ value: UnsafeMutablePointer<Float>) { self.value = value }
}
