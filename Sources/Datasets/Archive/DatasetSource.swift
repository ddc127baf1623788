import Foundation
import ToonIO

/// Where a dataset's files come from: the entries of a zip (read in place from the mapped file)
/// or the files under a folder. Names are relative ("00000/img00000000.png") and sorted.
struct DatasetSource {
    private enum Storage {
        case zip(ZipArchive)
        case folder(URL)
    }

    private let storage: Storage
    let root: URL
    /// Images, sorted by name (byte order, as Python's sorted() orders NVLabs' names).
    let imageNames: [String]
    private let hasLabelsFile: Bool

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    init(_ url: URL) throws(ToonIOError) {
        root = url
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ToonIOError(url: url, .image(.unreadable(SystemErrorText.errno(ENOENT))))
        }
        var names: [String]
        if isFolder.boolValue {
            storage = .folder(url)
            names = FolderFiles.relativePaths(under: url.standardizedFileURL.path)
        } else {
            let bytes = try FileBytes.map(url)
            let archive = try ZipArchive(bytes.all, source: url.path)
            storage = .zip(archive)
            names = archive.entries.map(\.name).filter { !$0.hasSuffix("/") }
        }
        hasLabelsFile = names.contains("dataset.json")
        names = names.filter { name in
            let ext = (name as NSString).pathExtension.lowercased()
            return Self.imageExtensions.contains(ext) && !name.hasPrefix("__MACOSX/")
                && !(name as NSString).lastPathComponent.hasPrefix("._")
        }
        imageNames = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The path named in errors: the folder's file, or "archive.zip/entry".
    func path(of name: String) -> String { root.appendingPathComponent(name).path }

    func bytes(of name: String) throws(ToonIOError) -> [UInt8] {
        switch storage {
        case .zip(let archive):
            guard let entry = archive.entry(named: name) else {
                throw ToonIOError(file: path(of: name), .image(.unreadable("no such entry")))
            }
            return try archive.data(of: entry).bytes
        case .folder(let folder):
            let url = folder.appendingPathComponent(name)
            do { return Array(try Data(contentsOf: url)) } catch {
                throw ToonIOError(url: url, .image(.unreadable(SystemErrorText.reason(error))))
            }
        }
    }

    func decode(_ name: String) throws(ToonIOError) -> Image {
        try Image.decode(try bytes(of: name), path: path(of: name))
    }

    /// The labels of `images` from dataset.json, nil when there is none or it says `"labels": null`.
    /// Numbers per image are taken as a vector; a single integer per image is a class index,
    /// one-hot encoded over as many classes as the largest index needs (as NVLabs' loader does).
    func labels(for images: [String]) throws(ToonIOError) -> (dimension: Int, values: [Float])? {
        guard hasLabelsFile else { return nil }
        let file = path(of: "dataset.json")
        func bad(_ why: String) -> ToonIOError { ToonIOError(file: file, .dataset(.badLabels(why))) }
        let data = try bytes(of: "dataset.json")
        guard let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any] else {
            throw bad("not a JSON object")
        }
        guard let entries = object["labels"], !(entries is NSNull) else { return nil }
        guard let list = entries as? [Any] else { throw bad("\"labels\" is neither a list nor null") }
        var table: [String: [Float]] = [:]
        var classIndices = false
        for entry in list {
            guard let pair = entry as? [Any], pair.count == 2, let name = pair[0] as? String else {
                throw bad("an entry is not [name, labels]")
            }
            let key = name.replacingOccurrences(of: "\\", with: "/")
            if let numbers = pair[1] as? [NSNumber] {
                table[key] = numbers.map { $0.floatValue }
            } else if let number = pair[1] as? NSNumber {
                classIndices = true
                table[key] = [number.floatValue]
            } else {
                throw bad("the labels of \(name) are not numbers")
            }
        }
        var rows: [[Float]] = []
        rows.reserveCapacity(images.count)
        for image in images {
            guard let row = table[image] else { throw bad("no labels for \(image)") }
            rows.append(row)
        }
        if classIndices {
            var classes = 0
            for row in rows {
                guard row.count == 1, let index = Int(exactly: row[0]), index >= 0, index < 1_000_000 else {
                    throw bad("class labels must be non-negative integers")
                }
                classes = max(classes, index + 1)
            }
            var values = [Float](repeating: 0, count: rows.count * classes)
            for (i, row) in rows.enumerated() { values[i * classes + Int(row[0])] = 1 }
            return (classes, values)
        }
        let dimension = rows[0].count
        guard dimension > 0 else { throw bad("empty label vectors") }
        for (image, row) in zip(images, rows) where row.count != dimension {
            throw bad("\(image) has \(row.count) labels where the first image has \(dimension)")
        }
        return (dimension, rows.flatMap { $0 })
    }
}
