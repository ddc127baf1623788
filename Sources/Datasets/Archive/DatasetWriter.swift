import Foundation
import ToonCore
import ToonIO

/// One image of a dataset and its labels (nil in an unlabelled dataset).
public struct DatasetItem: Sendable {
    public var image: Image
    public var labels: [Float]?

    public init(image: Image, labels: [Float]? = nil) {
        self.image = image
        self.labels = labels
    }
}

/// Writes datasets in the layout of NVLabs' dataset_tool.py: a zip of stored (uncompressed) PNGs
/// named `00000/img00000000.png`, 1000 to a folder, and a `dataset.json` holding
/// `{"labels": [["00000/img00000000.png", [floats...]], ...]}` or `{"labels": null}`.
public enum DatasetWriter {
    /// Images per folder, as dataset_tool.py files them.
    public static let imagesPerFolder = 1000

    /// The name of image `index` inside the archive.
    public static func entryName(_ index: Int) -> String {
        let folder = String(index / imagesPerFolder), file = String(index)
        return String(repeating: "0", count: max(0, 5 - folder.count)) + folder + "/img"
            + String(repeating: "0", count: max(0, 8 - file.count)) + file + ".png"
    }

    /// Writes `count` items made by `make(index)` to a zip at `url`, through a temporary file that
    /// is renamed into place only when everything is written: a failure leaves nothing behind.
    ///
    /// `make` is called from several threads at once (images are made and encoded `chunk` at a time
    /// in parallel, then written in order); `progress` gets the number written so far. With
    /// `labelDimension` nil the dataset has no labels; otherwise every item must carry that many
    /// finite labels.
    public static func write(
        to url: URL, count: Int, labelDimension: Int?, chunk: Int = 64,
        progress: ((Int) -> Void)? = nil, _ make: (Int) -> DatasetItem
    ) throws(ToonIOError) {
        guard count > 0 else { throw ToonIOError(url: url, .dataset(.badRequest("a dataset needs at least one image"))) }
        // Written in index order, so the labels come out in dataset order.
        var labels: [(String, [Float])] = []
        try ZipDatasetFile.write(to: url, count: count, chunk: chunk, progress: progress, entries: { index throws(ToonIOError) in
            let item = make(index)
            try check(item, index: index, url: url, labelDimension: labelDimension)
            let name = entryName(index)
            let png = try item.image.encoded(as: .png, path: "\(url.path)/\(name)")
            return ZipDatasetFile.Entries(files: [(name, png)], values: labelDimension == nil ? nil : item.labels)
        }, written: { index, entries in
            if let values = entries.values { labels.append((entryName(index), values)) }
        }, closing: {
            [("dataset.json", Array(datasetJSON(labelDimension == nil ? nil : labels).utf8))]
        })
    }

    private static func check(_ item: DatasetItem, index: Int, url: URL, labelDimension: Int?) throws(ToonIOError) {
        let file = "\(url.path)/\(entryName(index))"
        guard let labelDimension else { return }
        guard let labels = item.labels, labels.count == labelDimension else {
            throw ToonIOError(file: file, .dataset(.badRequest(
                "image \(index) has \(item.labels?.count ?? 0) labels where the dataset has \(labelDimension)")))
        }
        guard labels.allSatisfy(\.isFinite) else {
            throw ToonIOError(file: file, .dataset(.badRequest("image \(index) has a label that is not a finite number")))
        }
    }

    /// dataset.json as dataset_tool.py writes it (Swift's shortest round-trip float text is valid JSON).
    static func datasetJSON(_ labels: [(String, [Float])]?) -> String {
        guard let labels else { return "{\"labels\": null}" }
        var text = "{\"labels\": ["
        for (i, (name, values)) in labels.enumerated() {
            if i > 0 { text += ", " }
            text += "[\"\(name)\", [" + values.map { "\($0)" }.joined(separator: ", ") + "]]"
        }
        return text + "]}"
    }

}
