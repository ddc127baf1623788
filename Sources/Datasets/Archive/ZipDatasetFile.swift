import Foundation
import ToonCore
import ToonIO

/// The loop every dataset zip is written by: items made and encoded a chunk at a time in parallel,
/// written in index order as stored (uncompressed) entries, through a temporary file that is renamed
/// into place only when everything is written, so a failure leaves nothing behind.
enum ZipDatasetFile {
    /// What one index contributes: its files (name and bytes) and numbers for the closing files
    /// (its labels, or a pair's degree and size).
    struct Entries {
        var files: [(String, [UInt8])]
        var values: [Float]?
    }

    /// `entries(index)` runs on several threads at once; `written(index, entries)` runs in index order
    /// after that index's files are in the zip; `closing()` gives the files that end it (dataset.json).
    /// `progress` gets the number of indices written so far.
    static func write(
        to url: URL, count: Int, chunk: Int, progress: ((Int) -> Void)?,
        entries: (Int) throws(ToonIOError) -> Entries, written: (Int, Entries) throws(ToonIOError) -> Void,
        closing: () -> [(String, [UInt8])]
    ) throws(ToonIOError) {
        var failure: ToonIOError?
        do {
            try AtomicFile.write(to: url) { handle in
                do throws(ToonIOError) {
                    var zip = ZipWriter(handle: handle, options: .init(alignment: 1))
                    func add(_ name: String, _ bytes: [UInt8]) throws(ToonIOError) {
                        do { try zip.add(name, bytes: bytes) } catch {
                            throw ToonIOError(url: url, .write(.failed(SystemErrorText.reason(error))))
                        }
                    }
                    var start = 0
                    while start < count {
                        let range = start..<min(count, start + max(1, chunk))
                        for (offset, made) in try ParallelItems.make(Array(range), entries).enumerated() {
                            for (name, bytes) in made.files { try add(name, bytes) }
                            try written(range.lowerBound + offset, made)
                        }
                        start = range.upperBound
                        progress?(start)
                    }
                    for (name, bytes) in closing() { try add(name, bytes) }
                    do { try zip.finish() } catch {
                        throw ToonIOError(url: url, .write(.failed(SystemErrorText.reason(error))))
                    }
                } catch {
                    failure = error
                    throw error
                }
            }
        } catch {
            throw failure ?? error
        }
    }
}
