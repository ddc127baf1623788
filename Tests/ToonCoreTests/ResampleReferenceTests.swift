import Testing
@testable import ToonCore
import ToonTestSupport

/// Golden comparisons with PyTorch (arrays from Reference/make_resample_reference.py; the parameters
/// of each case mirror that script).
///
/// Tolerance 1e-5 relative to (1 + |expected|): the inputs are O(1) float32 and each output is a
/// short sum of products, so a faithful implementation differs from torch only by summation order,
/// separable-versus-2-D factoring and fused multiply-adds, a few ulp (~1e-6 at worst); any indexing,
/// padding, flip or weight mistake moves outputs by 1e-2 or more.
@Suite("Resampling ops match PyTorch", .computeFromEnvironment)
struct ResampleReferenceTests {
    let tolerance: Float = 1e-5

    /// Gradient of <f(inputs), r> with respect to every input, r from the reference arrays.
    func vectorJacobian(_ name: String, _ inputs: [Tensor], _ f: ([Tensor]) -> Tensor) -> [Tensor] {
        let leaves = inputs.map { $0.requiringGrad() }
        return gradients(of: (f(leaves) * referenceTensor(name + ".r")).sum(), wrt: leaves)
    }

    @Test("upfirdn2d: upsample by 2 with [1,3,3,1], value and input gradient")
    func upsample() {
        let x = referenceTensor("upfirdn.up2.x")
        let f: ([Tensor]) -> Tensor = { $0[0].upfirdn2d(setupFilter([1, 3, 3, 1]), up: 2,
                                                        padding: ResamplePadding(x0: 2, x1: 1, y0: 2, y1: 1), gain: 4) }
        expectClose(f([x]), referenceTensor("upfirdn.up2.y"), tolerance: tolerance, "forward")
        expectClose(x.upsample2d(setupFilter([1, 3, 3, 1])), referenceTensor("upfirdn.up2.y"), tolerance: tolerance, "upsample2d")
        expectClose(vectorJacobian("upfirdn.up2", [x], f)[0], referenceTensor("upfirdn.up2.g0"), tolerance: tolerance, "gradient")
    }

    @Test("upfirdn2d: downsample by 2 with [1,3,3,1]")
    func downsample() {
        let x = referenceTensor("upfirdn.down2.x")
        let y = x.upfirdn2d(setupFilter([1, 3, 3, 1]), down: 2, padding: 1)
        expectClose(y, referenceTensor("upfirdn.down2.y"), tolerance: tolerance)
        expectClose(x.downsample2d(setupFilter([1, 3, 3, 1])), referenceTensor("upfirdn.down2.y"), tolerance: tolerance)
    }

    @Test("upfirdn2d: 2-D filter, mixed factors, cropping, flipFilter and gain")
    func general2D() {
        let x = referenceTensor("upfirdn.fir2d.x"), taps = referenceTensor("upfirdn.fir2d.f")
        let filter = FIRFilter(height: 3, width: 2, taps: taps.scalars)
        for implementation in [UpFirDnImplementation.fast, .reference] {
            let y = x.upfirdn2d(filter, up: ResampleFactor(x: 2, y: 1), down: ResampleFactor(x: 1, y: 2),
                                padding: ResamplePadding(x0: 1, x1: -1, y0: 2, y1: 0), flipFilter: true, gain: 1.5,
                                implementation: implementation)
            expectClose(y, referenceTensor("upfirdn.fir2d.y"), tolerance: tolerance, "\(implementation)")
        }
    }

    @Test("upfirdn2d: odd 1-D filter, up 3, down 2, crop on the left")
    func oddSeparable() {
        let x = referenceTensor("upfirdn.odd.x")
        let filter = FIRFilter(separable: referenceTensor("upfirdn.odd.f").scalars)
        for implementation in [UpFirDnImplementation.fast, .reference] {
            let y = x.upfirdn2d(filter, up: 3, down: 2, padding: ResamplePadding(x0: -1, x1: 2, y0: 0, y1: 1),
                                implementation: implementation)
            expectClose(y, referenceTensor("upfirdn.odd.y"), tolerance: tolerance, "\(implementation)")
        }
    }

    @Test("filter2d with the 2-D [1,3,3,1] filter")
    func filter2D() {
        let x = referenceTensor("upfirdn.filter2d.x")
        expectClose(x.filter2d(setupFilter([1, 3, 3, 1], separable: false)), referenceTensor("upfirdn.filter2d.y"),
                    tolerance: tolerance)
        expectClose(x.filter2d(setupFilter([1, 3, 3, 1])), referenceTensor("upfirdn.filter2d.y"), tolerance: tolerance)
    }

    @Test("bias_act: linear, lrelu (with gradients), relu and lrelu with clamp")
    func biasAct() {
        let x = referenceTensor("biasact.x"), b = referenceTensor("biasact.b")
        expectClose(x.biasActivation(b), referenceTensor("biasact.linear.y"), tolerance: tolerance, "linear")
        let lrelu: ([Tensor]) -> Tensor = { $0[0].biasActivation($0[1], activation: .leakyReLU()) }
        expectClose(lrelu([x, b]), referenceTensor("biasact.lrelu.y"), tolerance: tolerance, "lrelu")
        let g = vectorJacobian("biasact.lrelu", [x, b], lrelu)
        expectClose(g[0], referenceTensor("biasact.lrelu.g0"), tolerance: tolerance, "lrelu dx")
        expectClose(g[1], referenceTensor("biasact.lrelu.g1"), tolerance: tolerance, "lrelu db")
        expectClose(x.biasActivation(b, activation: .relu, clamp: 0.5), referenceTensor("biasact.reluclamp.y"),
                    tolerance: tolerance, "relu clamp")
        expectClose(x.biasActivation(b, activation: .leakyReLU(slope: 0.1), gain: 0.7, clamp: 1),
                    referenceTensor("biasact.lreluclamp.y"), tolerance: tolerance, "lrelu clamp")
    }

    @Test("bilinear resize (align_corners false) up, down and by a scale factor, with gradient")
    func bilinear() {
        let small = referenceTensor("resize.small.x"), large = referenceTensor("resize.large.x")
        let up: ([Tensor]) -> Tensor = { $0[0].resized(height: 7, width: 9, mode: .bilinear) }
        expectClose(up([small]), referenceTensor("resize.bilinear.up.y"), tolerance: tolerance, "up")
        expectClose(vectorJacobian("resize.bilinear.up", [small], up)[0], referenceTensor("resize.bilinear.up.g0"),
                    tolerance: tolerance, "up gradient")
        expectClose(large.resized(height: 3, width: 2, mode: .bilinear), referenceTensor("resize.bilinear.down.y"),
                    tolerance: tolerance, "down")
        expectClose(large.resized(scale: 1.5, mode: .bilinear), referenceTensor("resize.bilinear.scale.y"),
                    tolerance: tolerance, "scale 1.5")
    }

    @Test("nearest resize up, exactly double, and down")
    func nearest() {
        let small = referenceTensor("resize.small.x"), large = referenceTensor("resize.large.x")
        #expect(small.resized(height: 7, width: 9, mode: .nearest).scalars == referenceTensor("resize.nearest.up.y").scalars)
        #expect(small.resized(height: 8, width: 10, mode: .nearest).scalars == referenceTensor("resize.nearest.double.y").scalars)
        #expect(large.resized(height: 3, width: 2, mode: .nearest).scalars == referenceTensor("resize.nearest.down.y").scalars)
    }

    @Test("avg_pool2d with kernel 2 and with kernel 3, stride 2, padding 1 (with gradient)")
    func avgPool() {
        let x = referenceTensor("pool.x")
        expectClose(x.avgPool2d(kernel: 2), referenceTensor("pool.k2.y"), tolerance: tolerance, "k2")
        let pool: ([Tensor]) -> Tensor = { $0[0].avgPool2d(kernel: 3, stride: 2, padding: 1) }
        expectClose(pool([x]), referenceTensor("pool.k3s2p1.y"), tolerance: tolerance, "k3s2p1")
        expectClose(vectorJacobian("pool.k3s2p1", [x], pool)[0], referenceTensor("pool.k3s2p1.g0"),
                    tolerance: tolerance, "k3s2p1 gradient")
    }
}
