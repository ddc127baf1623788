import Foundation
import ToonCore
import ToonIO

/// Turns a folder or zip of PNG and JPEG files into a training set in NVLabs' layout (see
/// `DatasetWriter`): 8-bit sRGB RGB, cropped and resized to one power-of-two square. A file that
/// cannot be used is dropped with its reason, never fatal; the source is only read, and the output
/// appears at `out` only when complete.
public enum DatasetPreparer {
    /// Prepares `source` into the zip `out`. `dropped` hears of each file left out and `progress`
    /// gets (files done, files in all), both in source order on the calling thread. Throws, leaving
    /// nothing at `out`, when the options are invalid, the source cannot be listed, `out` cannot be
    /// written or is the source or lies inside it, or no image is kept.
    @discardableResult
    public static func prepare(
        from source: URL, to out: URL, options: PrepareOptions,
        dropped: ((PrepareDrop) -> Void)? = nil,
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(ToonIOError) -> PrepareSummary {
        try options.validate(out: out)
        try checkPlaces(source: source, out: out)
        let files = try PrepareSource(source)
        let names = files.names
        let chunk = max(4, 2 * Parallel.workerCount)
        var drops: [PrepareDrop] = []
        var kept = 0, keptFiles = 0
        let faces = options.crop == .faces
        var failure: ToonIOError?
        do {
            try AtomicFile.write(to: out) { handle in
                do throws(ToonIOError) {
                    var zip = ZipWriter(handle: handle, options: .init(alignment: 1))
                    var labels: [(String, PrepareLabel)] = []
                    var hashes = PerceptualHashIndex()
                    var start = 0
                    progress?(0, names.count)
                    while start < names.count {
                        let range = start..<min(names.count, start + chunk)
                        for (offset, parts) in makeChunk(range, names: names, files: files, options: options).enumerated() {
                            let name = names[range.lowerBound + offset]
                            var keptHere = false
                            for (face, prepared) in parts {
                                var outcome = prepared
                                if case .kept(_, let hash?, _) = outcome, let threshold = options.dedupeDistance {
                                    let shown = face.map { "\(name) face at \($0)" } ?? name
                                    if let match = hashes.nearest(to: hash, within: threshold) {
                                        outcome = .dropped(.duplicate(of: match.name, distance: match.distance))
                                    } else {
                                        hashes.insert(hash, name: shown)
                                    }
                                }
                                switch outcome {
                                case .dropped(let reason):
                                    let drop = PrepareDrop(name: name, reason: reason, face: face)
                                    drops.append(drop)
                                    dropped?(drop)
                                case .kept(let png, _, let label):
                                    let entry = DatasetWriter.entryName(kept)
                                    do { try zip.add(entry, bytes: png) } catch {
                                        throw ToonIOError(url: out, .write(.failed(SystemErrorText.reason(error))))
                                    }
                                    if let label { labels.append((entry, label)) }
                                    kept += 1
                                    keptHere = true
                                }
                            }
                            if keptHere { keptFiles += 1 }
                        }
                        start = range.upperBound
                        progress?(start, names.count)
                    }
                    guard kept > 0 else {
                        let summary = PrepareSummary(total: names.count, kept: 0, keptFiles: 0, faces: faces, dropped: drops)
                        throw ToonIOError(url: source, .dataset(.badRequest("no image was kept (\(summary.description))")))
                    }
                    let json = PrepareLabels.datasetJSON(options.labels == nil ? nil : labels)
                    do {
                        try zip.add("dataset.json", bytes: Array(json.utf8))
                        try zip.finish()
                    } catch {
                        throw ToonIOError(url: out, .write(.failed(SystemErrorText.reason(error))))
                    }
                } catch {
                    failure = error
                    throw error
                }
            }
        } catch {
            throw failure ?? error
        }
        return PrepareSummary(total: names.count, kept: kept, keptFiles: keptFiles, faces: faces, dropped: drops)
    }

    /// Prepares the files of `range` in parallel, in order.
    private static func makeChunk(_ range: Range<Int>, names: [String], files: PrepareSource,
                                  options: PrepareOptions) -> [PreparedImage.Parts] {
        var results = [PreparedImage.Parts?](repeating: nil, count: range.count)
        results.withUnsafeMutableBufferPointer { slots in
            Parallel.forEach(range.count, grain: 1) { part in
                for offset in part {
                    let index = range.lowerBound + offset
                    slots[offset] = files.repeated.contains(index)
                        ? [(nil, .dropped(.repeatedName))] : PreparedImage.make(names[index], from: files, options: options)
                }
            }
        }
        return results.map { $0! }
    }

    /// The output must not replace the source or land inside the source folder (which would change it).
    private static func checkPlaces(source: URL, out: URL) throws(ToonIOError) {
        let from = source.standardizedFileURL.resolvingSymlinksInPath().path
        let to = out.deletingLastPathComponent().standardizedFileURL.resolvingSymlinksInPath()
            .appendingPathComponent(out.lastPathComponent).path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: to, isDirectory: &isFolder), isFolder.boolValue {
            throw ToonIOError(url: out, .dataset(.badRequest("the output is a folder; name a zip file")))
        }
        guard to != from, !to.hasPrefix(from.hasSuffix("/") ? from : from + "/") else {
            throw ToonIOError(url: out, .dataset(.badRequest("the output must lie outside the source \(source.path)")))
        }
    }

}
