import Foundation
import ToonIO

/// What `DatasetPreparer` keeps and how it shapes the images.
public struct PrepareOptions: Sendable {
    /// Output side: a power of two.
    public var resolution: Int
    public var crop: PrepareCrop
    /// Drop images whose pixels are all (nearly) gray, whatever the file's colour type.
    public var dropGrayscale = false
    /// Drop single-colour images.
    public var dropFlat = false
    /// Drop an image whose perceptual hash is within this many bits of an earlier kept image.
    public var dedupeDistance: Int?
    /// Drop images whose shorter side is below this many pixels (0: keep any size).
    public var minimumSize = 0
    /// Labels by source-relative path; images without one are dropped.
    public var labels: PrepareLabels?
    /// Images whose header declares more are dropped before decoding.
    public var budget = PixelBudget.standard
    public var filter = ResizeFilter.lanczos3
    /// The detector and margins of `crop == .faces`.
    public var faces: PrepareFaces?
    /// What becomes of square crops smaller than the resolution (not `.centerWide`'s bands, which
    /// are never smaller).
    public var upscale = PrepareUpscale.lanczos

    public init(resolution: Int, crop: PrepareCrop = .center) {
        self.resolution = resolution
        self.crop = crop
    }

    /// The sides `resolution` may take.
    public static let resolutions = 4...4096

    func validate(out: URL) throws(ToonIOError) {
        func bad(_ why: String) -> ToonIOError { ToonIOError(url: out, .dataset(.badRequest(why))) }
        guard Self.resolutions.contains(resolution), resolution & (resolution - 1) == 0 else {
            throw bad("the resolution must be a power of two in \(Self.resolutions), not \(resolution)")
        }
        if let dedupeDistance, !(0...64).contains(dedupeDistance) {
            throw bad("the dedupe threshold must be in 0...64 bits, not \(dedupeDistance)")
        }
        guard minimumSize >= 0 else { throw bad("the minimum size must not be negative") }
        if crop == .faces {
            guard let faces else { throw bad("cropping faces needs a face detector") }
            guard PrepareFaces.margins.contains(faces.margin) else {
                throw bad("the face margin must be in \(PrepareFaces.margins), not \(faces.margin)")
            }
            guard faces.minimumSide >= 0 else { throw bad("the minimum face size must not be negative") }
        }
        if case .waifu2x(let upscaler) = upscale, upscaler.scale < 2 {
            throw bad("waifu2x must be loaded for doubling (a scale of 2 or more) to enlarge crops")
        }
    }
}
