import Foundation
import ToonIO

/// One teacher pair: a real-side image, the cartoon drawn from the same latent, and the degree of
/// toonification that drew it.
public struct ImagePair: Sendable {
    public var real: Image
    public var toon: Image
    public var degree: Float

    public init(real: Image, toon: Image, degree: Float) {
        self.real = real
        self.toon = toon
        self.degree = degree
    }
}

/// A paired dataset (what `toon pairs` writes and a stylizer learns from): a zip holding each side in
/// NVLabs' layout under its own folder, `real/00000/img00000000.png` and `toon/00000/img00000000.png`,
/// and `pairs.json`, the pair index:
/// `{"format": "toonkit-pairs", "version": 1, "resolution": R, "teacher": {...}, "pairs": [["real/...", "toon/...", degree], ...]}`.
/// Both sides are held decoded in memory.
public struct PairedDataset: Sendable {
    /// The real side, in pair order.
    public let real: ImageDataset
    /// The cartoon side, in pair order.
    public let toon: ImageDataset
    /// Each pair's degree.
    public let degrees: [Float]
    /// How the pairs were made (string settings, as the writer was given them).
    public let teacher: [String: String]

    public var count: Int { degrees.count }
    public var resolution: Int { real.resolution }

    public static let indexName = "pairs.json"
    static let format = "toonkit-pairs"

    /// Reads a paired dataset (zip or folder); a missing or malformed index, a missing image, or sides
    /// of different resolutions is an error naming the file.
    public init(contentsOf url: URL) throws(ToonIOError) {
        let source = try DatasetSource(url)
        let file = source.path(of: Self.indexName)
        func bad(_ why: String) -> ToonIOError { ToonIOError(file: file, .dataset(.badRequest("not a paired dataset: \(why)"))) }
        let bytes: [UInt8]
        do { bytes = try source.bytes(of: Self.indexName) } catch { throw bad("no \(Self.indexName) (toon pairs writes one)") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              object["format"] as? String == Self.format else { throw bad("\(Self.indexName) is not a toonkit-pairs index") }
        guard (object["version"] as? Int) == 1 else { throw bad("unknown version \(object["version"] ?? "none") (this ToonKit reads 1)") }
        guard let list = object["pairs"] as? [[Any]], !list.isEmpty else { throw bad("no pairs listed") }
        var realNames: [String] = [], toonNames: [String] = [], degrees: [Float] = []
        for (index, entry) in list.enumerated() {
            guard entry.count == 3, let real = entry[0] as? String, let toon = entry[1] as? String,
                  let degree = (entry[2] as? NSNumber)?.floatValue, degree.isFinite else {
                throw bad("pair \(index) is not [real, toon, degree]")
            }
            realNames.append(real)
            toonNames.append(toon)
            degrees.append(degree)
        }
        real = try ImageDataset(source, files: realNames)
        toon = try ImageDataset(source, files: toonNames)
        guard real.resolution == toon.resolution else {
            throw bad("real images are \(real.resolution) px but cartoons \(toon.resolution) px")
        }
        self.degrees = degrees
        teacher = (object["teacher"] as? [String: Any])?.mapValues { "\($0)" } ?? [:]
    }

    /// Name of pair `index`'s real image.
    public static func realName(_ index: Int) -> String { "real/" + DatasetWriter.entryName(index) }
    /// Name of pair `index`'s cartoon.
    public static func toonName(_ index: Int) -> String { "toon/" + DatasetWriter.entryName(index) }

    /// Writes `count` pairs made by `make(index)` (called from several threads at once) to a zip at
    /// `url`, atomically, as `DatasetWriter.write` does. Both images of a pair must be one square size.
    public static func write(to url: URL, count: Int, teacher: [String: String], chunk: Int = 16,
                             progress: ((Int) -> Void)? = nil, _ make: (Int) throws(ToonIOError) -> ImagePair) throws(ToonIOError) {
        guard count > 0 else { throw ToonIOError(url: url, .dataset(.badRequest("a paired dataset needs at least one pair"))) }
        var rows: [String] = []
        var resolution = 0
        try ZipDatasetFile.write(to: url, count: count, chunk: chunk, progress: progress, entries: { index throws(ToonIOError) in
            let pair = try make(index)
            let (realName, toonName) = (Self.realName(index), Self.toonName(index))
            guard pair.real.width == pair.real.height, pair.toon.width == pair.real.width, pair.toon.height == pair.real.height else {
                throw ToonIOError(file: "\(url.path)/\(toonName)", .dataset(.badRequest(
                    "pair \(index): real \(pair.real.width)x\(pair.real.height), cartoon \(pair.toon.width)x\(pair.toon.height); both must be one square size")))
            }
            return ZipDatasetFile.Entries(files: [
                (realName, try pair.real.encoded(as: .png, path: "\(url.path)/\(realName)")),
                (toonName, try pair.toon.encoded(as: .png, path: "\(url.path)/\(toonName)")),
            ], values: [pair.degree, Float(pair.real.width)])
        }, written: { index, entries throws(ToonIOError) in
            let (degree, side) = (entries.values![0], Int(entries.values![1]))
            guard resolution == 0 || side == resolution else {
                throw ToonIOError(file: "\(url.path)/\(Self.realName(index))", .dataset(.mixedResolutions(side, expected: resolution, first: Self.realName(0))))
            }
            resolution = side
            rows.append("[\"\(Self.realName(index))\", \"\(Self.toonName(index))\", \(degree)]")
        }, closing: {
            let teacherJSON = (try? JSONSerialization.data(withJSONObject: teacher, options: [.sortedKeys]))
                .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
            let text = "{\"format\": \"\(Self.format)\", \"version\": 1, \"resolution\": \(resolution), \"teacher\": \(teacherJSON),\n"
                + " \"pairs\": [\n  " + rows.joined(separator: ",\n  ") + "\n]}\n"
            return [(Self.indexName, Array(text.utf8))]
        })
    }
}
