import Foundation
import ToonIO

/// The synthetic face dataset: face `i` of seed `s` is `FaceParameters.sample(seed: s, index: i)`,
/// drawn in one style and labelled with `FaceRenderer.labels(for:)`.
public enum SynthDataset {
    /// Writes `count` faces as an NVLabs-layout zip with labels (see `DatasetWriter`); `progress`
    /// gets the number of images written so far. Same arguments, same bytes.
    public static func write(
        to url: URL, count: Int, resolution: Int, style: FaceStyle, seed: UInt64,
        progress: ((Int) -> Void)? = nil
    ) throws(ToonIOError) {
        try DatasetWriter.write(to: url, count: count, labelDimension: FaceRenderer.labelDimension,
                                chunk: max(16, 65_536 / (resolution * resolution)), progress: progress) { index in
            let face = FaceParameters.sample(seed: seed, index: index)
            return DatasetItem(image: FaceRenderer.render(face, style: style, resolution: resolution),
                               labels: FaceRenderer.labels(for: face))
        }
    }
}
