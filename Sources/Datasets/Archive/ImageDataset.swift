import Foundation
import ToonCore
import ToonIO

/// A dataset of square RGB images held decoded in memory, with optional labels: what training reads.
public struct ImageDataset: Sendable {
    /// The file or folder name without its extension, e.g. "anime64".
    public let name: String
    /// Number of images.
    public var count: Int { names.count }
    /// Side of every image, a power of two.
    public let resolution: Int
    /// Always 3 (gray is expanded to RGB, alpha dropped).
    public let channels: Int
    /// Length of each label vector; 0 when the dataset has no labels.
    public let labelDimension: Int
    /// The images' names in the dataset (zip entry or relative path), in dataset order.
    public let names: [String]

    /// `count * 3 * resolution * resolution` bytes: image, channel, row, column.
    private let pixels: [UInt8]
    /// `count * labelDimension` floats.
    private let labelValues: [Float]

    /// Opens a zip or a folder in NVLabs' layout (or any folder/zip of PNG/JPEG images, sorted by path);
    /// all images must be square, one resolution (power of two), RGB (gray expanded to RGB, alpha dropped). Decodes everything into one UInt8 buffer.
    public init(contentsOf url: URL) throws(ToonIOError) {
        let source = try DatasetSource(url)
        try self.init(source, files: source.imageNames)
    }

    /// The images `files` of `source`, in that order (one side of a paired dataset, say).
    init(_ source: DatasetSource, files: [String]) throws(ToonIOError) {
        let url = source.root
        guard !files.isEmpty else { throw ToonIOError(url: url, .dataset(.noImages)) }
        name = url.deletingPathExtension().lastPathComponent
        names = files
        channels = 3

        // The first image fixes the resolution; the rest are decoded in parallel against it.
        let first = try source.decode(files[0])
        let side = first.width
        try Self.checkShape(first, file: source.path(of: files[0]))
        guard side > 0, side & (side - 1) == 0 else {
            throw ToonIOError(file: source.path(of: files[0]), .dataset(.notPowerOfTwo(side)))
        }
        resolution = side
        let imageBytes = 3 * side * side
        var pixels = [UInt8](repeating: 0, count: files.count * imageBytes)
        var failures = [ToonIOError?](repeating: nil, count: files.count)
        let firstPath = source.path(of: files[0])
        pixels.withUnsafeMutableBufferPointer { out in
            failures.withUnsafeMutableBufferPointer { failed in
                Parallel.forEach(files.count, grain: 1) { part in
                    for i in part {
                        do throws(ToonIOError) {
                            let image = i == 0 ? first : try source.decode(files[i])
                            let path = source.path(of: files[i])
                            try Self.checkShape(image, file: path)
                            guard image.width == side else {
                                throw ToonIOError(file: path, .dataset(.mixedResolutions(image.width, expected: side, first: firstPath)))
                            }
                            Self.store(image, into: out.baseAddress! + i * imageBytes)
                        } catch {
                            failed[i] = error
                        }
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        self.pixels = pixels

        let labels = try source.labels(for: files)
        labelDimension = labels?.dimension ?? 0
        labelValues = labels?.values ?? []
    }

    /// Images as Float32 in [-1, 1] (x / 127.5 - 1), shape [indices.count, 3, R, R]; mirrored[i] flips image i left-right.
    public func batch(_ indices: [Int], mirrored: [Bool]) -> Tensor {
        precondition(mirrored.count == indices.count, "\(mirrored.count) mirror flags for \(indices.count) images")
        let side = resolution, imageBytes = 3 * side * side
        var tensor = Tensor(uninitializedShape: [indices.count, 3, side, side])
        let table = (0..<256).map { Float($0) / 127.5 - 1 }
        tensor.withUnsafeMutableBufferPointer { out in
            pixels.withUnsafeBufferPointer { source in
                table.withUnsafeBufferPointer { table in
                    let out = out.baseAddress!, source = source.baseAddress!, table = table.baseAddress!
                    Parallel.forEach(indices.count * 3 * side, grain: max(1, 16_384 / side)) { rows in
                        for row in rows {
                            let n = row / (3 * side), rest = row % (3 * side)
                            let index = indices[n]
                            precondition(index >= 0 && index < count, "image \(index) of \(count)")
                            let from = source + index * imageBytes + rest * side
                            let to = out + n * imageBytes + rest * side
                            if mirrored[n] {
                                for x in 0..<side { to[x] = table[Int(from[side - 1 - x])] }
                            } else {
                                for x in 0..<side { to[x] = table[Int(from[x])] }
                            }
                        }
                    }
                }
            }
        }
        return tensor
    }

    /// Labels [indices.count, labelDimension], nil without labels.
    public func labels(_ indices: [Int]) -> Tensor? {
        guard labelDimension > 0 else { return nil }
        var scalars: [Float] = []
        scalars.reserveCapacity(indices.count * labelDimension)
        for index in indices {
            precondition(index >= 0 && index < count, "image \(index) of \(count)")
            scalars += labelValues[(index * labelDimension)..<((index + 1) * labelDimension)]
        }
        return Tensor(shape: [indices.count, labelDimension], scalars: scalars)
    }

    /// One image as a ToonIO Image (for grids of reals).
    public func image(at index: Int) -> Image {
        precondition(index >= 0 && index < count, "image \(index) of \(count)")
        let imageBytes = 3 * resolution * resolution
        let start = index * imageBytes
        let samples = pixels[start..<(start + imageBytes)].map { Float($0) / 255 }
        return Image(width: resolution, height: resolution, channels: 3, samples: samples)
    }

    private static func checkShape(_ image: Image, file: String) throws(ToonIOError) {
        guard image.width == image.height else {
            throw ToonIOError(file: file, .dataset(.notSquare(width: image.width, height: image.height)))
        }
    }

    /// Planar 8-bit RGB: gray copied to all three channels, alpha dropped, 16-bit rounded to 8.
    private static func store(_ image: Image, into out: UnsafeMutablePointer<UInt8>) {
        let plane = image.width * image.height
        let colour = image.channels >= 3
        image.samples.withUnsafeBufferPointer { samples in
            for c in 0..<3 {
                let from = (colour ? c : 0) * plane
                for i in 0..<plane {
                    let v = samples[from + i] * 255
                    out[c * plane + i] = UInt8(min(max(v.rounded(), 0), 255))
                }
            }
        }
    }
}
