import ArgumentParser
import Foundation
import ToonCore
import ToonIO

/// How generated images are saved: PNG or JPEG (8-bit, NVLabs' quantisation) or the raw float
/// output as .npy.
enum ImageFileFormat: String, ExpressibleByArgument, CaseIterable {
    case png, jpg, npy

    /// Writes one image tensor [C, H, W] or [1, C, H, W] (raw generator output, about -1...1).
    func write(_ image: Tensor, to url: URL) throws {
        switch self {
        case .npy:
            try NPY.write(image.rank == 3 ? image.reshaped([1] + image.shape) : image, to: url)
        case .png, .jpg:
            try Image(tensor: image, range: -1...1).write(to: url, format: self == .png ? .png : .jpeg(quality: 95))
        }
    }

    var fileExtension: String { rawValue }
}
