import Foundation
import ToonIO

/// How a source image becomes a square before resizing.
public enum PrepareCrop: String, Sendable, CaseIterable {
    /// The largest centred square (NVLabs' `center-crop`).
    case center
    /// NVLabs' `center-crop-wide`, for an output `resolution` wide and `wideHeight` tall: the band of
    /// round(resolution * height / width) source rows in the middle of the image (all columns) is
    /// resized to resolution x wideHeight and centred on a black square. As in NVLabs' tool the band
    /// is counted in source rows, so it is stretched unless the source is `resolution` wide; images
    /// narrower than `resolution` or with a band shorter than `wideHeight` are dropped.
    case centerWide = "center-wide"
    /// No crop: only square images are kept.
    case none
    /// Every face the detector of `PrepareOptions.faces` finds, each a square around it.
    case faces

    /// The height of the picture inside the square for `centerWide`: 3/4 of the side (NVLabs'
    /// documented example is 512 x 384), rounded down to an even number of rows.
    public static func wideHeight(for resolution: Int) -> Int { max(2, resolution * 3 / 4 / 2 * 2) }

    /// `image` cropped, resized with `filter` and made square at `resolution`, or why it cannot be;
    /// a square crop smaller than `resolution` is enlarged as `upscale` says. Not for `.faces`,
    /// which `PrepareFaces` cuts.
    func apply(to image: Image, resolution: Int, wideHeight: Int? = nil, filter: ResizeFilter = .lanczos3,
               upscale: PrepareUpscale = .lanczos) -> Result<Image, PrepareDropReason> {
        let w = image.width, h = image.height
        switch self {
        case .center:
            return upscale.fit(image.centredSquare(), resolution: resolution, filter: filter)
        case .none:
            guard w == h else { return .failure(.notSquare(width: w, height: h)) }
            return upscale.fit(image, resolution: resolution, filter: filter)
        case .faces:
            preconditionFailure("faces are cut by PrepareFaces")
        case .centerWide:
            let bandHeight = min(resolution, wideHeight ?? Self.wideHeight(for: resolution))
            // NumPy's round: halves to even.
            let rows = Int((Double(resolution) * Double(h) / Double(w)).rounded(.toNearestOrEven))
            guard w >= resolution, rows >= bandHeight, rows <= h else {
                return .failure(.tooNarrowForWideCrop(width: w, height: h))
            }
            let top = (h - rows) / 2
            let band = image.cropped(x: 0, y: top, width: w, height: (h + rows) / 2 - top)
            return .success(band.resized(width: resolution, height: bandHeight, filter: filter).centredOnBlackSquare())
        }
    }
}
