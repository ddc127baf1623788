/// The input gradient of a 3x3 stride-1 same-padded convolution is itself such a convolution: of
/// the output gradient with the weight turned by 180 degrees and its two channel axes swapped,
/// gx[i] = sum over o of conv(gy[o], w'[i, o]) with w'[i, o, a, b] = w[o, i, 2 - a, 2 - b]. So it runs on
/// `ConvWinograd` too, which is what makes training's backward passes (and R1's second-order
/// passes) as fast as the forward ones.
extension ConvWinograd {
    /// The geometry of the forward convolution that computes `g`'s input gradient, when
    /// `ConvWinograd` takes it (nil otherwise).
    static func inputGradientGeometry(_ g: ConvGeometry) -> ConvGeometry? {
        guard g.kh == 3 && g.kw == 3 && g.strideY == 1 && g.strideX == 1 && g.padY == 1 && g.padX == 1
            && g.groups == 1 && g.outH == g.h && g.outW == g.w else { return nil }
        let gradient = ConvGeometry(input: [g.n, g.cout, g.outH, g.outW], weight: [g.cin, g.cout, 3, 3],
                                    stride: (1, 1), padding: (1, 1), groups: 1)
        return applies(gradient) ? gradient : nil
    }

    /// U for the input gradient of convolutions with weight w [cout, cin, 3, 3]: the transform of w'.
    static func transformInputGradientWeights(_ w: UnsafePointer<Float>, cout: Int, cin: Int,
                                              into u: UnsafeMutablePointer<Float>) {
        ScratchBuffers.with(count: 1, floats: [9 * cout * cin]) { scratch in
            let turned = scratch[0][0]
            let (source, target) = (UncheckedSendable(w), UncheckedSendable(turned))
            Parallel.forEach(cin * cout, grain: 4096) { pairs in
                for pair in pairs {
                    let (i, o) = (pair / cout, pair % cout)
                    let from = source.value + (o * cin + i) * 9, to = target.value + pair * 9
                    for tap in 0..<9 { to[tap] = from[8 - tap] }
                }
            }
            transformWeights(turned, cout: cin, cin: cout, into: u)
        }
    }

    /// `body` with the input-gradient U of `weight` when `g`'s input gradient takes this path (nil
    /// otherwise), derived once per weight (see `WinogradPlan.withTransformedWeights`).
    static func withInputGradientWeights<R>(_ weight: Tensor, _ g: ConvGeometry, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard inputGradientGeometry(g) != nil else { return body(nil) }
        return WinogradPlan.withTransformedWeights(weight, name: "Winograd F(2x2, 3x3) input-gradient weights",
                                                   floats: 16 * g.cout * g.cin,
                                                   transform: { w, _, u in transformInputGradientWeights(w, cout: g.cout, cin: g.cin, into: u) },
                                                   body)
    }
}
