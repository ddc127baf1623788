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
    }
}
