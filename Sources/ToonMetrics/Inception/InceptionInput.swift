import Foundation
import ToonCore
import ToonIO

/// What goes into the Inception network, in batches: pytorch-fid's input, 8-bit RGB codes / 255.
extension FIDInception {
    /// Images per forward pass: enough to batch the small late layers into large GEMMs, few enough
    /// that the 147x147x64 early activations stay small (about 6 MB an image).
    public static let batchSize = 16

    /// An image as pytorch-fid reads a file (PIL `convert('RGB')`, then ToTensor): [1, 3, H, W] of
    /// 8-bit codes / 255; gray is copied to all three channels, alpha dropped, 16-bit rounded to 8 bits.
    public static func input(_ image: Image) -> Tensor {
        let plane = image.width * image.height, colour = image.channels >= 3
        var values = [Float](repeating: 0, count: 3 * plane)
        image.samples.withUnsafeBufferPointer { samples in
            for c in 0..<3 {
                let from = (colour ? c : 0) * plane
                for i in 0..<plane { values[c * plane + i] = Swift.min(Swift.max((samples[from + i] * 255).rounded(), 0), 255) / 255 }
            }
        }
        return Tensor(shape: [1, 3, image.height, image.width], scalars: values)
    }

    /// Images [N, 3, H, W] in -1...1 (a generator's output, a dataset batch) as NVLabs saves them:
    /// (x * 127.5 + 128) clamped to 0...255 and truncated to a byte, then / 255.
    public static func input(signed images: Tensor) -> Tensor {
        let codes = images.scalars.map { Swift.min(Swift.max(($0 * 127.5 + 128).rounded(.down), 0), 255) / 255 }
        return Tensor(shape: images.shape, scalars: codes)
    }

    /// Features of image files, [files.count * 2048] row by row, in `batchSize` batches; any sizes
    /// (each is resized to 299x299 on its own). `progress` gets files done.
    public func features(files: [URL], progress: (Int) -> Void = { _ in }) throws(MetricsError) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(files.count * Self.dimensions)
        for start in stride(from: 0, to: files.count, by: Self.batchSize) {
            var batch: [Tensor] = []
            for url in files[start..<Swift.min(start + Self.batchSize, files.count)] {
                let image: Image
                do { image = try Image.read(from: url) } catch { throw MetricsError(file: url.path, .underlying(error.description)) }
                batch.append(Self.input(image).resized(height: Self.inputSize, width: Self.inputSize, mode: .bilinear))
            }
            out += features(Tensor.concatenate(batch, axis: 0)).scalars
            progress(start + batch.count)
        }
        return out
    }

    /// The PNG and JPEG files under `folder` (subfolders too, hidden ones skipped), sorted by
    /// relative path (byte order), at most `limit` of them.
    public static func imageFiles(in folder: URL, limit: Int? = nil) throws(MetricsError) -> [URL] {
        let names = try PairedFolders.images(in: folder).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return names.prefix(limit ?? names.count).map { folder.appendingPathComponent($0) }
    }
}
