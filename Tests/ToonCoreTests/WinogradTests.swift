import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

/// The Winograd F(2x2, 3x3) forward path against a direct convolution summed in Double.
@Suite("Winograd 3x3 convolution", .computeFromEnvironment)
struct WinogradTests {
    /// conv(x * scale, w) * outScale + bias, 3x3 "same" (padding 1) or "valid" (padding 0), summed in Double.
    static func direct(_ x: Tensor, _ w: Tensor, scale: Tensor? = nil, outScale: Tensor? = nil, bias: Tensor? = nil,
                       padding: Int = 1) -> [Float] {
        let (n, cin, h, wd, cout) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0])
        let (outH, outW) = (h + 2 * padding - 2, wd + 2 * padding - 2)
        let xs = x.scalars, ws = w.scalars, s = scale?.scalars, d = outScale?.scalars, b = bias?.scalars
        var y = [Float](repeating: 0, count: n * cout * outH * outW)
        for image in 0..<n {
            for o in 0..<cout {
                for oy in 0..<outH {
                    for ox in 0..<outW {
                        var sum = 0.0
                        for i in 0..<cin {
                            let factor = Double(s?[image * cin + i] ?? 1)
                            for ky in 0..<3 {
                                let iy = oy + ky - padding
                                guard iy >= 0 && iy < h else { continue }
                                for kx in 0..<3 {
                                    let ix = ox + kx - padding
                                    guard ix >= 0 && ix < wd else { continue }
                                    sum += Double(xs[((image * cin + i) * h + iy) * wd + ix]) * factor
                                        * Double(ws[((o * cin + i) * 3 + ky) * 3 + kx])
                                }
                            }
                        }
                        sum = sum * Double(d?[image * cout + o] ?? 1) + Double(b?[o] ?? 0)
                        y[((image * cout + o) * outH + oy) * outW + ox] = Float(sum)
                    }
                }
            }
        }
        return y
    }

    @Test("takes exactly the 3x3, stride-1, same or unpadded, even-sized, wide enough convolutions")
    func applicability() {
        func geometry(_ input: [Int], _ weight: [Int], stride: Int = 1, padding: Int = 1, groups: Int = 1) -> ConvGeometry {
            ConvGeometry(input: input, weight: weight, stride: (stride, stride), padding: (padding, padding), groups: groups)
        }
        #expect(ConvWinograd.applies(geometry([1, 16, 32, 32], [16, 16, 3, 3])))
        #expect(ConvWinograd.applies(geometry([2, 512, 64, 48], [256, 512, 3, 3])))
        #expect(!ConvWinograd.applies(geometry([1, 16, 33, 32], [16, 16, 3, 3])))  // odd height
        #expect(ConvWinograd.applies(geometry([1, 16, 16, 16], [16, 16, 3, 3])))
        #expect(ConvWinograd.applies(geometry([4, 16, 8, 8], [16, 16, 3, 3])))
        #expect(!ConvWinograd.applies(geometry([1, 16, 8, 8], [16, 16, 3, 3])))    // too few pixels per call
        #expect(!ConvWinograd.applies(geometry([16, 16, 4, 4], [16, 16, 3, 3])))   // too few pixels per image
        #expect(!ConvWinograd.applies(geometry([1, 3, 64, 64], [16, 3, 3, 3])))    // too few channels
        #expect(!ConvWinograd.applies(geometry([1, 16, 64, 64], [16, 16, 3, 3], stride: 2)))
        #expect(ConvWinograd.applies(geometry([1, 16, 64, 64], [16, 16, 3, 3], padding: 0)))  // 62x62 out
        #expect(!ConvWinograd.applies(geometry([1, 16, 63, 64], [16, 16, 3, 3], padding: 0)))  // 61 rows out
        #expect(!ConvWinograd.applies(geometry([1, 16, 64, 64], [16, 16, 3, 3], padding: 2)))
        #expect(!ConvWinograd.applies(geometry([1, 16, 64, 64], [16, 8, 3, 3], groups: 2)))
        #expect(!ConvWinograd.applies(geometry([1, 16, 64, 64], [16, 16, 5, 5], padding: 2)))
    }

    @Test("bands cover every tile row once, one per worker at least for a single image",
          arguments: [(1, 16, 64, 1 << 30), (1, 16, 64, 16 * 16 * 32 * 3), (3, 16, 64, 16 * 16 * 32 * 5), (1, 32, 4, 1)])
    func bandsCoverTiles(_ c: (Int, Int, Int, Int)) {
        let (n, channels, size, budget) = c
        let g = ConvGeometry(input: [n, channels, size, size], weight: [channels, channels, 3, 3],
                             stride: (1, 1), padding: (1, 1), groups: 1)
        let bands = ConvWinograd.bands(g, budget: budget)
        #expect(bands.first?.lowerBound == 0 && bands.last?.upperBound == size / 2)
        #expect(zip(bands, bands.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty })
        #expect(bands.allSatisfy { $0.count * (size / 2) * 16 * channels <= Swift.max(budget, 16 * channels * size / 2) })
        if n == 1 { #expect(bands.count >= Swift.min(Parallel.workerCount, size / 2)) }
    }

    @Test("tasks cover every image's tile rows once, grouping whole small images",
          arguments: [(1, 64, 1 << 30), (5, 8, 1 << 30), (5, 8, 16 * 16 * 16 * 2), (3, 64, 16 * 16 * 32 * 5), (4, 16, 1 << 30)])
    func tasksCoverImages(_ c: (Int, Int, Int)) {
        let (n, size, budget) = c
        let g = ConvGeometry(input: [n, 16, size, size], weight: [16, 16, 3, 3], stride: (1, 1), padding: (1, 1), groups: 1)
        let tasks = ConvWinograd.tasks(g, budget: budget)
        var covered = [Int](repeating: 0, count: n * size / 2)
        for task in tasks {
            #expect(task.images.count == 1 || task.band == 0..<(size / 2))
            for image in task.images { for row in task.band { covered[image * size / 2 + row] += 1 } }
        }
        #expect(covered.allSatisfy { $0 == 1 })
        if n * ConvWinograd.bands(g, budget: budget).count >= Parallel.workerCount {
            #expect(tasks.count >= Parallel.workerCount)
        }
        if size == 8 && budget == 1 << 30 { #expect(tasks.count == Swift.min(n, Parallel.workerCount)) }
    }

    // Inputs and weights in [-1, 1], 9 * cin terms per output. Measured from the Double sum: 3e-6
    // (cin 16) and 1.2e-5 (cin 64), where the im2col GEMM is off by 8e-6 and 2.3e-5; bound 1e-7 per term.
    @Test("conv2d through Winograd matches the direct sum",
          arguments: [([1, 16, 32, 32], 24), ([3, 20, 34, 40], 16), ([1, 64, 64, 64], 32), ([2, 16, 32, 36], 48),
                      ([5, 32, 8, 8], 16), ([1, 16, 16, 16], 16)])
    func matchesDirect(_ c: ([Int], Int)) {
        let (shape, cout) = c
        var random = TestRandom(seed: UInt64(shape.reduce(cout, +)))
        let x = random.tensor(shape), w = random.tensor([cout, shape[1], 3, 3])
        let g = ConvGeometry(input: x.shape, weight: w.shape, stride: (1, 1), padding: (1, 1), groups: 1)
        #expect(ConvWinograd.applies(g))
        let y = x.conv2d(w, padding: 1)
        let bound = 1e-7 * Float(9 * shape[1])
        #expect(maxAbsDifference(y.scalars, Self.direct(x, w)) < bound)
    }

    // waifu2x's layers: unpadded, the output two pixels smaller; tiles begin on even input columns.
    @Test("unpadded conv2d through Winograd matches the direct sum",
          arguments: [([1, 16, 34, 34], 24), ([3, 32, 10, 18], 16), ([2, 64, 78, 78], 32), ([1, 16, 18, 66], 16)])
    func unpaddedMatchesDirect(_ c: ([Int], Int)) {
        let (shape, cout) = c
        var random = TestRandom(seed: UInt64(shape.reduce(2 * cout, +)))
        let x = random.tensor(shape), w = random.tensor([cout, shape[1], 3, 3])
        let g = ConvGeometry(input: x.shape, weight: w.shape, stride: (1, 1), padding: (0, 0), groups: 1)
        #expect(ConvWinograd.applies(g))
        let y = x.conv2d(w, padding: 0)
        #expect(y.shape == [shape[0], cout, shape[2] - 2, shape[3] - 2])
        #expect(maxAbsDifference(y.scalars, Self.direct(x, w, padding: 0)) < 1e-7 * Float(9 * shape[1]))
    }

    @Test("the input gradient of a 3x3 same convolution takes the Winograd path and matches the direct sum",
          arguments: [([1, 16, 32, 32], 24), ([2, 20, 16, 18], 16), ([5, 32, 8, 8], 16)])
    func inputGradientMatchesDirect(_ c: ([Int], Int)) {
        let (shape, cout) = c
        var random = TestRandom(seed: UInt64(shape.reduce(3 * cout, +)))
        let gy = random.tensor([shape[0], cout, shape[2], shape[3]]), w = random.tensor([cout, shape[1], 3, 3])
        let g = ConvGeometry(input: shape, weight: w.shape, stride: (1, 1), padding: (1, 1), groups: 1)
        #expect(ConvWinograd.inputGradientGeometry(g) != nil)
        // conv2d's input gradient is the transposed convolution with the same weight.
        let gx = gy.transposedConv2d(w, stride: 1, padding: 1)
        let expected = ConvTests.transposedDirect(gy, w, stride: 1, padding: 1, outputPadding: 0)
        #expect(gx.shape == shape)
        #expect(maxAbsDifference(gx.scalars, expected) < 1e-7 * Float(9 * cout))
    }

    /// The weight gradient of a 3x3 same convolution, summed in Double.
    static func weightGradientDirect(_ x: Tensor, _ gy: Tensor) -> [Float] {
        let (n, cin, h, wd, cout) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], gy.shape[1])
        let xs = x.scalars, gs = gy.scalars
        var gw = [Double](repeating: 0, count: cout * cin * 9)
        for image in 0..<n { for o in 0..<cout { for i in 0..<cin { for ky in 0..<3 { for kx in 0..<3 {
            var sum = 0.0
            for oy in 0..<h {
                let iy = oy + ky - 1
                guard iy >= 0 && iy < h else { continue }
                for ox in 0..<wd {
                    let ix = ox + kx - 1
                    guard ix >= 0 && ix < wd else { continue }
                    sum += Double(gs[((image * cout + o) * h + oy) * wd + ox]) * Double(xs[((image * cin + i) * h + iy) * wd + ix])
                }
            }
            gw[((o * cin + i) * 3 + ky) * 3 + kx] += sum
        } } } } }
        return gw.map { Float($0) }
    }

    // Up to n * h * w terms per weight, values in [-1, 1]; bound 1e-7 per term.
    @Test("the weight gradient through Winograd matches the direct sum, in one task or many",
          arguments: [([1, 16, 32, 32], 24, 1 << 30), ([3, 20, 16, 18], 16, 1 << 30), ([5, 32, 8, 8], 16, 1 << 30),
                      ([2, 16, 22, 16], 16, 16 * 16 * 8 * 3)])
    func weightGradientMatchesDirect(_ c: ([Int], Int, Int)) {
        let (shape, cout, budget) = c
        var random = TestRandom(seed: UInt64(shape.reduce(5 * cout, +)))
        let x = random.tensor(shape), gy = random.tensor([shape[0], cout, shape[2], shape[3]])
        let g = ConvGeometry(input: shape, weight: [cout, shape[1], 3, 3], stride: (1, 1), padding: (1, 1), groups: 1)
        #expect(ConvWinograd.applies(g))
        var gw = Tensor.zeros(g.weightShape)
        x.withUnsafeBufferPointer { px in gy.withUnsafeBufferPointer { pg in gw.withUnsafeMutableBufferPointer {
            ConvWinograd.weightGradient(x: px.baseAddress!, gy: pg.baseAddress!, gw: $0.baseAddress!, g, budget: budget)
        } } }
        let expected = Self.weightGradientDirect(x, gy)
        let bound = 1e-7 * Float(shape[0] * shape[2] * shape[3])
        #expect(maxAbsDifference(gw.scalars, expected) < bound)
        // The same again, bit for bit: tasks go to workers in a fixed order.
        var again = Tensor.zeros(g.weightShape)
        x.withUnsafeBufferPointer { px in gy.withUnsafeBufferPointer { pg in again.withUnsafeMutableBufferPointer {
            ConvWinograd.weightGradient(x: px.baseAddress!, gy: pg.baseAddress!, gw: $0.baseAddress!, g, budget: budget)
        } } }
        #expect(again.scalars.map(\.bitPattern) == gw.scalars.map(\.bitPattern))
        // The differentiable op's weight gradient takes the same path.
        let w = random.tensor(g.weightShape).requiringGrad()
        let viaOp = gradients(of: (x.conv2d(w, padding: 1) * gy).sum(), wrt: [w])[0]
        #expect(maxAbsDifference(viaOp.scalars, expected) < bound)
    }

    @Test("input gradients of other convolutions keep their own paths")
    func inputGradientGeometry() {
        func geometry(_ input: [Int], stride: Int = 1, padding: Int = 1, kernel: Int = 3) -> ConvGeometry {
            ConvGeometry(input: input, weight: [16, input[1], kernel, kernel], stride: (stride, stride),
                         padding: (padding, padding), groups: 1)
        }
        #expect(ConvWinograd.inputGradientGeometry(geometry([1, 16, 32, 32]))?.inputShape == [1, 16, 32, 32])
        #expect(ConvWinograd.inputGradientGeometry(geometry([1, 16, 32, 32], stride: 2)) == nil)
        #expect(ConvWinograd.inputGradientGeometry(geometry([1, 16, 32, 32], padding: 0)) == nil)
        #expect(ConvWinograd.inputGradientGeometry(geometry([1, 16, 34, 34], padding: 2, kernel: 5)) == nil)
        #expect(ConvWinograd.inputGradientGeometry(geometry([1, 16, 8, 8])) == nil)   // too few pixels
        #expect(ConvWinograd.inputGradientGeometry(geometry([1, 8, 32, 32])) == nil)  // too few channels
    }

    @Test("first- and second-order gradients of a Winograd-sized conv agree with finite differences")
    func finiteDifferences() {
        var random = TestRandom(seed: 11)
        let x = random.tensor([1, 16, 16, 16], -0.5...0.5), w = random.tensor([16, 16, 3, 3], -0.5...0.5)
        let g = ConvGeometry(input: x.shape, weight: w.shape, stride: (1, 1), padding: (1, 1), groups: 1)
        #expect(ConvWinograd.applies(g))
        // Forward values, input gradients and the second-order pass's convolutions take the Winograd path.
        let f: ([Tensor]) -> Tensor = { t in t[0].conv2d(t[1], padding: 1).square() }
        checkGradients(of: f, at: [x, w])
        checkSecondOrderGradients(of: f, at: [x, w])
    }

    @Test("many bands per image, input scale and epilogue give the direct result", arguments: [1, 3])
    func bandsScaleAndEpilogue(images: Int) {
        var random = TestRandom(seed: UInt64(images))
        let (cin, cout, h, wd) = (16, 20, 38, 32)
        let x = random.tensor([images, cin, h, wd]), w = random.tensor([cout, cin, 3, 3])
        let scale = random.tensor([images, cin]), outScale = random.tensor([images, cout]), bias = random.tensor([cout])
        let g = ConvGeometry(input: x.shape, weight: w.shape, stride: (1, 1), padding: (1, 1), groups: 1)
        let epilogue = ConvEpilogue(outputScale: outScale, bias: bias).kernel(for: g.outputShape)
        var y = Tensor.zeros(g.outputShape)
        // A budget of 3 tile rows (of 16) cuts each image into 7 uneven bands.
        let budget = 16 * cout * (wd / 2) * 3
        #expect(ConvWinograd.bands(g, budget: budget).count == 7)
        ScratchBuffers.with(count: 1, floats: [16 * cout * cin]) { scratch in
            let u = scratch[0]
            x.withUnsafeBufferPointer { px in w.withUnsafeBufferPointer { pw in scale.withUnsafeBufferPointer { ps in
                ConvWinograd.transformWeights(pw.baseAddress!, cout: cout, cin: cin, into: u[0])
                y.withUnsafeMutableBufferPointer {
                    ConvWinograd.forward(x: px.baseAddress!, u: u[0], y: $0.baseAddress!, g, inputScale: ps.baseAddress!,
                                         epilogue: epilogue, budget: budget)
                }
            } } }
        }
        let expected = Self.direct(x, w, scale: scale, outScale: outScale, bias: bias)
        #expect(maxAbsDifference(y.scalars, expected) < 2e-7 * Float(9 * cin))
    }

    @Test("the fused inference conv2d takes the Winograd path and matches the direct sum")
    func fusedInference() {
        var random = TestRandom(seed: 7)
        let x = random.tensor([2, 32, 32, 32]), w = random.tensor([16, 32, 3, 3])
        let scale = random.tensor([2, 32]), outScale = random.tensor([2, 16]), bias = random.tensor([16])
        let y = x.conv2d(w, padding: 1, inputScale: scale, epilogue: ConvEpilogue(outputScale: outScale, bias: bias))
        let expected = Self.direct(x, w, scale: scale, outScale: outScale, bias: bias)
        #expect(maxAbsDifference(y.scalars, expected) < 2e-7 * Float(9 * 32))
    }
}
