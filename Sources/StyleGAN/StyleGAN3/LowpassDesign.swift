import Foundation
import ToonCore

/// StyleGAN3's low-pass filters, designed as networks_stylegan3.py designs them, in float64 and
/// rounded to float32 at the end as NVLabs stores them: a Kaiser-windowed sinc (scipy's `firwin`
/// with a transition width) for separable filters, a Kaiser-windowed jinc for radial ones.
enum LowpassDesign {
    /// A `taps`-tap low-pass filter with `cutoff` and transition `width` at `samplingRate` (all in
    /// the same units); one tap is the identity.
    static func filter(taps: Int, cutoff: Double, width: Double, samplingRate: Double, radial: Bool) -> FIRFilter {
        guard taps > 1 else { return .identity }
        let nyquist = samplingRate / 2
        let window = kaiserWindow(taps, beta: kaiserBeta(attenuation: kaiserAttenuation(taps, width: width / nyquist)))
        let centre = Double(taps - 1) / 2
        if !radial {
            // firwin: (cutoff / nyquist) sinc((cutoff / nyquist) m) times the window, scaled to unit DC gain.
            let c = cutoff / nyquist
            let h = (0..<taps).map { c * sinc(c * (Double($0) - centre)) * window[$0] }
            let sum = h.reduce(0, +)
            return FIRFilter(separable: h.map { Float($0 / sum) })
        }
        // jinc(2 cutoff r) over the distance from the centre, times the outer product of the window.
        let x = (0..<taps).map { (Double($0) - centre) / samplingRate }
        var f = [Double](repeating: 0, count: taps * taps)
        for row in 0..<taps {
            for column in 0..<taps {
                let r = (x[column] * x[column] + x[row] * x[row]).squareRoot()
                f[row * taps + column] = j1(2 * cutoff * Double.pi * r) / (Double.pi * r) * window[row] * window[column]
            }
        }
        let sum = f.reduce(0, +)
        return FIRFilter(height: taps, width: taps, taps: f.map { Float($0 / sum) })
    }

    /// sin(pi x) / (pi x), 1 at 0 (numpy's sinc).
    static func sinc(_ x: Double) -> Double {
        x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
    }

    /// Kaiser's estimate of the stopband attenuation (dB) of a `taps`-tap filter with transition
    /// `width` as a fraction of Nyquist (scipy `kaiser_atten`).
    static func kaiserAttenuation(_ taps: Int, width: Double) -> Double {
        2.285 * Double(taps - 1) * Double.pi * width + 7.95
    }

    /// Kaiser's beta for an attenuation in dB (scipy `kaiser_beta`).
    static func kaiserBeta(attenuation a: Double) -> Double {
        if a > 50 { return 0.1102 * (a - 8.7) }
        if a > 21 { return 0.5842 * pow(a - 21, 0.4) + 0.07886 * (a - 21) }
        return 0
    }

    /// The symmetric Kaiser window (numpy `kaiser`, scipy's with fftbins off).
    static func kaiserWindow(_ n: Int, beta: Double) -> [Double] {
        guard n > 1 else { return [1] }
        let alpha = Double(n - 1) / 2
        return (0..<n).map { i in
            let ratio = (Double(i) - alpha) / alpha
            return besselI0(beta * max(0, 1 - ratio * ratio).squareRoot()) / besselI0(beta)
        }
    }

    /// The modified Bessel function I0 by its power series, which converges for every x the
    /// windows use (beta stays below 40): terms shrink once k exceeds x / 2.
    static func besselI0(_ x: Double) -> Double {
        let quarter = x * x / 4
        var term = 1.0, sum = 1.0, k = 1.0
        while term > sum * 1e-17 {
            term *= quarter / (k * k)
            sum += term
            k += 1
        }
        return sum
    }
}
