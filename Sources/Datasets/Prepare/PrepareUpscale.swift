import ToonIO
import Upscale

/// What becomes of a square crop smaller than the resolution: `--upscale none|lanczos|waifu2x`.
public enum PrepareUpscale: Sendable {
    /// Such crops are dropped.
    case none
    /// Resized up with the resize filter, as every crop is resized.
    case lanczos
    /// Doubled with waifu2x (as many times as it takes to reach the resolution), then resized down.
    /// The upscaler's networks must be loaded for a scale above 1.
    case waifu2x(Waifu2x)

    /// `square` at `resolution` x `resolution`, or why it is dropped.
    func fit(_ square: Image, resolution: Int, filter: ResizeFilter) -> Result<Image, PrepareDropReason> {
        precondition(square.width == square.height, "fitting a \(square.width)x\(square.height) crop")
        var image = square
        if square.width < resolution {
            switch self {
            case .none:
                return .failure(.smallerThanResolution(side: square.width, resolution: resolution))
            case .lanczos:
                break
            case .waifu2x(let upscaler):
                var scale = 1
                while square.width * scale < resolution { scale *= 2 }
                image = upscaler.rescaled(to: scale).upscale(square)
            }
        }
        return .success(image.resized(width: resolution, height: resolution, filter: filter))
    }
}
