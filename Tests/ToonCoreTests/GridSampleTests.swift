import Testing
import ToonCore
import ToonTestSupport

/// The bilinear affine sample (PyTorch affine_grid + grid_sample, align_corners=False, zero padding)
/// and reflect padding that ADA's augmentation resamples with. Values against PyTorch are pinned by
/// the ADA reference (TrainingTests/AugmentPipeReferenceTests); here: exact cases and gradients.
@Suite("Grid sample and reflect padding", .computeFromEnvironment)
struct GridSampleTests {
    /// Two images with different maps: a rotation with scaling, and a shear with a shift, both reading
    /// partly outside the input (zero padding) and between pixels.
    static let grid = BilinearGrid(affine: [[0.8, -0.3, 0.1, 0.35, 0.9, -0.2], [1.1, 0.25, -0.3, 0, 0.7, 0.4]],
                                   inHeight: 5, inWidth: 6, outHeight: 4, outWidth: 7)

    @Test func theIdentityMapReturnsTheImage() {
        var random = TestRandom(seed: 1)
        let x = random.tensor([2, 3, 5, 6])
        let grid = BilinearGrid(affine: [[1, 0, 0, 0, 1, 0], [1, 0, 0, 0, 1, 0]], inHeight: 5, inWidth: 6, outHeight: 5, outWidth: 6)
        #expect(x.gridSampled(grid).scalars == x.scalars)
    }

    @Test func aShiftOfOnePixelMovesTheImageAndZerosEnter() {
        let x = Tensor(shape: [1, 1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        // One pixel is 2 / width in normalised units; reading one pixel to the right shifts the image left.
        let grid = BilinearGrid(affine: [[1, 0, 0.5, 0, 1, 0]], inHeight: 2, inWidth: 4, outHeight: 2, outWidth: 4)
        #expect(x.gridSampled(grid).scalars == [2, 3, 4, 0, 6, 7, 8, 0])
    }

    @Test func halfwayBetweenPixelsAverages() {
        let x = Tensor(shape: [1, 1, 1, 4], scalars: [1, 2, 3, 4])
        let grid = BilinearGrid(affine: [[1, 0, 0.25, 0, 1, 0]], inHeight: 1, inWidth: 4, outHeight: 1, outWidth: 4)
        #expect(x.gridSampled(grid).scalars == [1.5, 2.5, 3.5, 2])
    }

    @Test func gradientsMatchFiniteDifferences() {
        var random = TestRandom(seed: 2)
        checkGradients(of: { $0[0].gridSampled(Self.grid) }, at: [random.tensor([2, 2, 5, 6])])
    }

    @Test func secondOrderGradientsMatchFiniteDifferences() {
        var random = TestRandom(seed: 3)
        let f: ([Tensor]) -> Tensor = { t in
            let y = t[0].gridSampled(Self.grid)
            return y * y * y
        }
        checkGradientPenalty(of: f, at: [random.tensor([2, 1, 5, 6])])
    }

    @Test func reflectPaddingMirrorsAboutTheEdgeSamples() {
        let x = Tensor(shape: [1, 1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let y = x.reflectPadded(ResamplePadding(x0: 2, x1: 3, y0: 1, y1: 0))
        #expect(y.shape == [1, 1, 3, 9])
        #expect(y.scalars == [7, 6, 5, 6, 7, 8, 7, 6, 5,
                              3, 2, 1, 2, 3, 4, 3, 2, 1,
                              7, 6, 5, 6, 7, 8, 7, 6, 5])
    }

    @Test func reflectPaddingGradientsMatchFiniteDifferences() {
        var random = TestRandom(seed: 4)
        checkGradients(of: { $0[0].reflectPadded(ResamplePadding(x0: 3, x1: 1, y0: 2, y1: 4)) }, at: [random.tensor([2, 2, 5, 4])])
    }

    @Test func reflectPaddingDifferentiatesTwice() {
        var random = TestRandom(seed: 5)
        let f: ([Tensor]) -> Tensor = { t in
            let y = t[0].reflectPadded(ResamplePadding(x0: 2, x1: 3, y0: 1, y1: 2))
            return y * y * y
        }
        checkGradientPenalty(of: f, at: [random.tensor([1, 2, 4, 5])])
    }
}
