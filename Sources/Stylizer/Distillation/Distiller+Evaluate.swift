import Datasets
import Metrics
import ToonCore
import ToonIO

extension Distiller {
    /// The student against the teacher on pairs `indices` (8-bit images, as `toon metrics` compares
    /// them): mean SSIM (scikit-image's defaults), PSNR (dB) and MSE (8-bit codes squared).
    public struct Evaluation: Sendable, Equatable {
        public var ssim: Double
        public var psnr: Double
        public var mse: Double
    }

    public func evaluate(_ indices: [Int]) throws(ToonIOError) -> Evaluation {
        var total = Evaluation(ssim: 0, psnr: 0, mse: 0)
        for index in indices {
            let real = pairs.real.batch([index], mirrored: [false])
            let output = model.stylize(real, degree: pairs.degrees[index])
            let (a, b) = (ImagePlanes(rgb8: try Image(tensor: output)), ImagePlanes(rgb8: pairs.toon.image(at: index)))
            total.ssim += StructuralSimilarity.skimage(a, b)
            total.psnr += PixelError.peakSignalToNoiseRatio(a, b)
            total.mse += PixelError.meanSquared(a, b)
        }
        let n = Double(max(indices.count, 1))
        return Evaluation(ssim: total.ssim / n, psnr: total.psnr / n, mse: total.mse / n)
    }

    /// Pairs `indices` as rows of a picture: the real image, the teacher's cartoon, the student's.
    public func samples(_ indices: [Int]) throws(ToonIOError) -> [RGBFrame] {
        var frames: [RGBFrame] = []
        for index in indices {
            let real = pairs.real.batch([index], mirrored: [false])
            frames.append(try RGBFrame(tensor: real))
            frames.append(try RGBFrame(tensor: pairs.toon.batch([index], mirrored: [false])))
            frames.append(try RGBFrame(tensor: model.stylize(real, degree: pairs.degrees[index])))
        }
        return frames
    }
}
