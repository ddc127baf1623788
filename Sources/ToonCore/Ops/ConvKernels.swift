/// The three GEMM-based convolution kernels: forward, input gradient (= transposed convolution),
/// weight gradient. They share `ConvGeometry` and the tiled column buffers of `ConvColumns`.
/// BLAS runs on the calling thread with its own threads; only the column copies use `Parallel`.
enum ConvKernels {
    /// y[n, cout, outH, outW] = conv(x, w).
    static func forward(x: UnsafePointer<Float>, w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, tiling: ConvTiling? = nil) {
        let inImage = g.cin * g.h * g.w, outImage = g.cout * g.outH * g.outW, pixels = g.outH * g.outW
        let wGroup = g.coutPerGroup * g.patchSize
        if g.isPointwise {
            for image in 0..<g.n {
                for group in 0..<g.groups {
                    BLAS.sgemm(transA: false, transB: false, m: g.coutPerGroup, n: pixels, k: g.cinPerGroup,
                               a: w + group * wGroup, lda: g.cinPerGroup,
                               b: x + image * inImage + group * g.cinPerGroup * pixels, ldb: pixels,
                               c: y + image * outImage + group * g.coutPerGroup * pixels, ldc: pixels)
                }
            }
            return
        }
        let tiling = tiling ?? ConvTiling(g)
        let maxColumns = tiling.imagesPerStep * tiling.rowsPerBand * g.outW
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: g.patchSize * maxColumns)
        defer { cols.deallocate() }
        let staging = tiling.imagesPerStep > 1
            ? UnsafeMutablePointer<Float>.allocate(capacity: g.coutPerGroup * maxColumns) : nil
        defer { staging?.deallocate() }
        for group in 0..<g.groups {
            for first in stride(from: 0, to: g.n, by: tiling.imagesPerStep) {
                let images = Swift.min(tiling.imagesPerStep, g.n - first)
                for top in stride(from: 0, to: g.outH, by: tiling.rowsPerBand) {
                    let rows = top..<Swift.min(g.outH, top + tiling.rowsPerBand)
                    let width = images * rows.count * g.outW
                    ConvColumns.gather(x + first * inImage, images: images, imageStride: inImage,
                                       channelStart: group * g.cinPerGroup, rows: rows, geometry: g, into: cols)
                    let outBase = y + first * outImage + group * g.coutPerGroup * pixels + top * g.outW
                    if let staging {
                        BLAS.sgemm(transA: false, transB: false, m: g.coutPerGroup, n: width, k: g.patchSize,
                                   a: w + group * wGroup, lda: g.patchSize, b: cols, ldb: width, c: staging, ldc: width)
                        // Staging holds [cout, image, pixel]; the output wants [image, cout, pixel].
                        for image in 0..<images {
                            for o in 0..<g.coutPerGroup {
                                (outBase + image * outImage + o * pixels)
                                    .update(from: staging + o * width + image * pixels, count: pixels)
                            }
                        }
                    } else {
                        BLAS.sgemm(transA: false, transB: false, m: g.coutPerGroup, n: width, k: g.patchSize,
                                   a: w + group * wGroup, lda: g.patchSize, b: cols, ldb: width, c: outBase, ldc: pixels)
                    }
                }
            }
        }
    }

    /// gx[n, cin, h, w] = adjoint of `forward` in x applied to gy (a transposed convolution).
    static func backwardInput(gy: UnsafePointer<Float>, w: UnsafePointer<Float>, gx: UnsafeMutablePointer<Float>, _ g: ConvGeometry, tiling: ConvTiling? = nil) {
        let inImage = g.cin * g.h * g.w, outImage = g.cout * g.outH * g.outW, pixels = g.outH * g.outW
        let wGroup = g.coutPerGroup * g.patchSize
        if g.isPointwise {
            for image in 0..<g.n {
                for group in 0..<g.groups {
                    BLAS.sgemm(transA: true, transB: false, m: g.cinPerGroup, n: pixels, k: g.coutPerGroup,
                               a: w + group * wGroup, lda: g.cinPerGroup,
                               b: gy + image * outImage + group * g.coutPerGroup * pixels, ldb: pixels,
                               c: gx + image * inImage + group * g.cinPerGroup * pixels, ldc: pixels)
                }
            }
            return
        }
        gx.update(repeating: 0, count: g.n * inImage)
        let tiling = tiling ?? ConvTiling(g)
        let maxColumns = tiling.imagesPerStep * tiling.rowsPerBand * g.outW
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: g.patchSize * maxColumns)
        defer { cols.deallocate() }
        let staging = tiling.imagesPerStep > 1
            ? UnsafeMutablePointer<Float>.allocate(capacity: g.coutPerGroup * maxColumns) : nil
        defer { staging?.deallocate() }
        for group in 0..<g.groups {
            for first in stride(from: 0, to: g.n, by: tiling.imagesPerStep) {
                let images = Swift.min(tiling.imagesPerStep, g.n - first)
                for top in stride(from: 0, to: g.outH, by: tiling.rowsPerBand) {
                    let rows = top..<Swift.min(g.outH, top + tiling.rowsPerBand)
                    let width = images * rows.count * g.outW
                    let gyBase = gy + first * outImage + group * g.coutPerGroup * pixels + top * g.outW
                    if let staging {
                        for image in 0..<images {
                            for o in 0..<g.coutPerGroup {
                                (staging + o * width + image * pixels)
                                    .update(from: gyBase + image * outImage + o * pixels, count: pixels)
                            }
                        }
                        BLAS.sgemm(transA: true, transB: false, m: g.patchSize, n: width, k: g.coutPerGroup,
                                   a: w + group * wGroup, lda: g.patchSize, b: staging, ldb: width, c: cols, ldc: width)
                    } else {
                        BLAS.sgemm(transA: true, transB: false, m: g.patchSize, n: width, k: g.coutPerGroup,
                                   a: w + group * wGroup, lda: g.patchSize, b: gyBase, ldb: pixels, c: cols, ldc: width)
                    }
                    ConvColumns.scatterAdd(cols, images: images, imageStride: inImage,
                                           channelStart: group * g.cinPerGroup, rows: rows, geometry: g,
                                           into: gx + first * inImage)
                }
            }
        }
    }

    /// gw[cout, cin/groups, kh, kw] = adjoint of `forward` in w, given x and gy.
    static func backwardWeight(x: UnsafePointer<Float>, gy: UnsafePointer<Float>, gw: UnsafeMutablePointer<Float>, _ g: ConvGeometry, tiling: ConvTiling? = nil) {
        let inImage = g.cin * g.h * g.w, outImage = g.cout * g.outH * g.outW, pixels = g.outH * g.outW
        let wGroup = g.coutPerGroup * g.patchSize
        gw.update(repeating: 0, count: g.cout * g.patchSize)
        if g.isPointwise {
            for image in 0..<g.n {
                for group in 0..<g.groups {
                    BLAS.sgemm(transA: false, transB: true, m: g.coutPerGroup, n: g.cinPerGroup, k: pixels,
                               a: gy + image * outImage + group * g.coutPerGroup * pixels, lda: pixels,
                               b: x + image * inImage + group * g.cinPerGroup * pixels, ldb: pixels,
                               beta: 1, c: gw + group * wGroup, ldc: g.cinPerGroup)
                }
            }
            return
        }
        let tiling = tiling ?? ConvTiling(g)
        let maxColumns = tiling.imagesPerStep * tiling.rowsPerBand * g.outW
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: g.patchSize * maxColumns)
        defer { cols.deallocate() }
        let staging = tiling.imagesPerStep > 1
            ? UnsafeMutablePointer<Float>.allocate(capacity: g.coutPerGroup * maxColumns) : nil
        defer { staging?.deallocate() }
        for group in 0..<g.groups {
            for first in stride(from: 0, to: g.n, by: tiling.imagesPerStep) {
                let images = Swift.min(tiling.imagesPerStep, g.n - first)
                for top in stride(from: 0, to: g.outH, by: tiling.rowsPerBand) {
                    let rows = top..<Swift.min(g.outH, top + tiling.rowsPerBand)
                    let width = images * rows.count * g.outW
                    ConvColumns.gather(x + first * inImage, images: images, imageStride: inImage,
                                       channelStart: group * g.cinPerGroup, rows: rows, geometry: g, into: cols)
                    let gyBase = gy + first * outImage + group * g.coutPerGroup * pixels + top * g.outW
                    if let staging {
                        for image in 0..<images {
                            for o in 0..<g.coutPerGroup {
                                (staging + o * width + image * pixels)
                                    .update(from: gyBase + image * outImage + o * pixels, count: pixels)
                            }
                        }
                        BLAS.sgemm(transA: false, transB: true, m: g.coutPerGroup, n: g.patchSize, k: width,
                                   a: staging, lda: width, b: cols, ldb: width, beta: 1, c: gw + group * wGroup, ldc: g.patchSize)
                    } else {
                        BLAS.sgemm(transA: false, transB: true, m: g.coutPerGroup, n: g.patchSize, k: width,
                                   a: gyBase, lda: pixels, b: cols, ldb: width, beta: 1, c: gw + group * wGroup, ldc: g.patchSize)
                    }
                }
            }
        }
    }
}
