import Datasets
import ToonMetrics
import ToonCore
import ToonIO

extension Distiller {
    /// The student against the teacher on held-out pairs (8-bit images, as `toon metrics` compares
    /// them): mean SSIM (scikit-image's defaults), PSNR (dB) and MSE (8-bit codes squared).
    public struct Evaluation: Sendable, Equatable {
        public var ssim: Double
        public var psnr: Double
        public var mse: Double
    }

    /// Stylizes pairs `indices` once: their evaluation (nil for none) and, for the first `shown`, rows
    /// of a picture: the real image, the teacher's cartoon, the student's.
    public func evaluate(_ indices: [Int], shown: Int = 4) throws(ToonIOError) -> (evaluation: Evaluation?, samples: [RGBFrame]) {
        var total = Evaluation(ssim: 0, psnr: 0, mse: 0), samples: [RGBFrame] = []
        for (position, index) in indices.enumerated() {
            let real = pairs.real.batch([index], mirrored: [false])
            let output = model.stylize(real, degree: pairs.degrees[index])
            let student = try Image(tensor: output), teacher = pairs.toon.image(at: index)
            let (a, b) = (ImagePlanes(rgb8: student), ImagePlanes(rgb8: teacher))
            total.ssim += StructuralSimilarity.skimage(a, b)
            total.psnr += PixelError.peakSignalToNoiseRatio(a, b)
            total.mse += PixelError.meanSquared(a, b)
            if position < shown {
                samples += [try RGBFrame(tensor: real), try RGBFrame(tensor: pairs.toon.batch([index], mirrored: [false])), try RGBFrame(tensor: output)]
            }
        }
        guard !indices.isEmpty else { return (nil, samples) }
        let n = Double(indices.count)
        return (Evaluation(ssim: total.ssim / n, psnr: total.psnr / n, mse: total.mse / n), samples)
    }
}
