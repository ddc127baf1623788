import Foundation

/// Mean squared error and peak signal-to-noise ratio, as scikit-image's
/// `skimage.metrics.mean_squared_error` and `peak_signal_noise_ratio` compute them.
public enum PixelError {
    /// The mean of the squared differences over every value of every channel.
    public static func meanSquared(_ a: ImagePlanes, _ b: ImagePlanes) -> Double {
        precondition(a.sameShape(as: b), "MSE of \(a.channels)x\(a.height)x\(a.width) and \(b.channels)x\(b.height)x\(b.width) planes")
        var sum = 0.0
        for i in a.values.indices {
            let d = a.values[i] - b.values[i]
            sum += d * d
        }
        return sum / Double(a.values.count)
    }

    /// 10 log10(range^2 / MSE) in dB; +infinity for identical images (MSE 0), as skimage returns.
    public static func peakSignalToNoiseRatio(_ a: ImagePlanes, _ b: ImagePlanes, dataRange: Double = 255) -> Double {
        let mse = meanSquared(a, b)
        return mse == 0 ? .infinity : 10 * log10(dataRange * dataRange / mse)
    }
}
