import Foundation
import ToonCore

/// NumPy's .npz archives (`numpy.savez`, `numpy.savez_compressed`, Chainer's `save_npz`): a zip of
/// .npy files, stored or deflated, each read as a Float32 tensor named by its entry without ".npy".
public enum NPZ {
    /// Arrays larger than this (1 GiB inflated) are refused before anything is allocated.
    public static let maximumEntryBytes = 1 << 30

    /// The arrays of the archive at `url`, in the order its directory lists them. Errors name the
    /// file and, for a bad array, the entry.
    public static func read(_ url: URL) throws(ToonIOError) -> TensorSet {
        let file = try FileBytes.map(url)
        guard ZipArchive.looksLikeZip(file.all) else {
            throw ToonIOError(url: url, .checkpoint(.badContainer("not an .npz archive (no zip signature)")))
        }
        let archive = try ZipArchive(file.all, source: url.path)
        var arrays = TensorSet()
        for entry in archive.entries where !entry.name.hasSuffix("/") {
            guard entry.name.hasSuffix(".npy") else {
                throw ToonIOError(url: url, .checkpoint(.badContainer("zip entry \(entry.name) is not a .npy array")))
            }
            let bytes = try archive.contents(of: entry, limit: maximumEntryBytes)
            let name = String(entry.name.dropLast(".npy".count))
            let decoded = bytes.withUnsafeBytes { raw in Result { () throws(ToonIOError) in try NPY.decode(raw, url: url) } }
            switch decoded {
            case .success(let tensor): try arrays.insert(tensor, named: name, source: url.path)
            case .failure(let error): throw ToonIOError(url: url, .checkpoint(.badTensor(name, error.message)))
            }
        }
        return arrays
    }
}
