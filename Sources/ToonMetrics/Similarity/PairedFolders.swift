import Foundation
import ToonCore
import ToonIO

/// A per-pair image metric on 8-bit RGB codes (data range 255).
public enum PairMetric: Sendable, Equatable {
    case mse
    case psnr
    case ssim(StructuralSimilarity)

    /// "mse", "psnr" or "ssim".
    public var name: String {
        switch self {
        case .mse: "mse"
        case .psnr: "psnr"
        case .ssim: "ssim"
        }
    }

    /// The smallest side an image may have.
    public var minimumSide: Int {
        if case .ssim(let ssim) = self { return ssim.windowSize }
        return 1
    }

    public func callAsFunction(_ a: ImagePlanes, _ b: ImagePlanes) -> Double {
        switch self {
        case .mse: PixelError.meanSquared(a, b)
        case .psnr: PixelError.peakSignalToNoiseRatio(a, b, dataRange: 255)
        case .ssim(let ssim): ssim(a, b)
        }
    }
}

/// A metric over image pairs: mean, min and max. PSNR is +infinity for an identical pair, and so is
/// a mean that includes one.
public struct MetricSummary: Sendable, Equatable {
    public let metric: String
    public let mean: Double
    public let min: Double
    public let max: Double
    public let count: Int

    public init(metric: String, values: [Double]) {
        precondition(!values.isEmpty, "a summary of no values")
        self.metric = metric
        mean = values.reduce(0, +) / Double(values.count)
        min = values.min()!
        max = values.max()!
        count = values.count
    }

    /// One JSON object: {"metric": "psnr", "mean": ..., "min": ..., "max": ..., "count": N}. JSON has
    /// no infinity, so an infinite value is written as the string "inf" (Python's float() reads it).
    public var json: String {
        func number(_ x: Double) -> String { x.isFinite ? "\(x)" : x > 0 ? "\"inf\"" : x < 0 ? "\"-inf\"" : "\"nan\"" }
        return "{\"metric\": \"\(metric)\", \"mean\": \(number(mean)), \"min\": \(number(min)), \"max\": \(number(max)), \"count\": \(count)}"
    }
}

/// Two folders whose images pair by relative path (`a/b.png` in one with `a/b.png` in the other),
/// e.g. references and a model's outputs for them.
public struct PairedFolders: Sendable {
    public let real: URL
    public let fake: URL
    /// The relative paths, sorted (byte order).
    public let names: [String]

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Lists both folders' PNG and JPEG files; every file must have a partner of the same name.
    public init(real: URL, fake: URL) throws(MetricsError) {
        self.real = real
        self.fake = fake
        let realNames = try Self.images(in: real), fakeNames = try Self.images(in: fake)
        if let lonely = realNames.first(where: { !fakeNames.contains($0) }) {
            throw MetricsError(file: fake.appendingPathComponent(lonely).path, .missingPartner(partner: real.appendingPathComponent(lonely).path))
        }
        if let lonely = fakeNames.first(where: { !realNames.contains($0) }) {
            throw MetricsError(file: real.appendingPathComponent(lonely).path, .missingPartner(partner: fake.appendingPathComponent(lonely).path))
        }
        names = realNames.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The metric of every pair, in `names` order, decoded and measured in parallel; `progress` gets
    /// pairs done. The first failing pair (unreadable file, sizes that differ) throws.
    public func values(of metric: PairMetric, progress: (Int) -> Void = { _ in }) throws(MetricsError) -> [Double] {
        var values = [Double](repeating: 0, count: names.count)
        var failures = [MetricsError?](repeating: nil, count: names.count)
        let batch = 16
        for start in stride(from: 0, to: names.count, by: batch) {
            let end = Swift.min(start + batch, names.count)
            values.withUnsafeMutableBufferPointer { out in
                failures.withUnsafeMutableBufferPointer { failed in
                    let (out, failed) = (SharedSlots(out), SharedSlots(failed))
                    Parallel.forEach(end - start, grain: 1) { part in
                        for i in part.map({ $0 + start }) {
                            do throws(MetricsError) { out.buffer[i] = try measure(names[i], metric) } catch { failed.buffer[i] = error }
                        }
                    }
                }
            }
            if let failure = failures[start..<end].lazy.compactMap({ $0 }).first { throw failure }
            progress(end)
        }
        return values
    }

    /// Mean, min and max of the metric over all pairs.
    public func summary(of metric: PairMetric, progress: (Int) -> Void = { _ in }) throws(MetricsError) -> MetricSummary {
        MetricSummary(metric: metric.name, values: try values(of: metric, progress: progress))
    }

    private func measure(_ name: String, _ metric: PairMetric) throws(MetricsError) -> Double {
        let realPath = real.appendingPathComponent(name), fakePath = fake.appendingPathComponent(name)
        let a = try Self.read(realPath), b = try Self.read(fakePath)
        guard a.width == b.width && a.height == b.height else {
            throw MetricsError(file: fakePath.path, .sizeMismatch(width: b.width, height: b.height, partner: realPath.path,
                                                                  partnerWidth: a.width, partnerHeight: a.height))
        }
        guard Swift.min(a.width, a.height) >= metric.minimumSide else {
            throw MetricsError(file: realPath.path, .tooSmall(width: a.width, height: a.height, window: metric.minimumSide))
        }
        return metric(a, b)
    }

    private static func read(_ url: URL) throws(MetricsError) -> ImagePlanes {
        do { return ImagePlanes(rgb8: try Image.read(from: url)) } catch { throw MetricsError(file: url.path, .underlying(error.description)) }
    }

    /// Relative paths of the PNG and JPEG files under `folder` (hidden files and folders skipped).
    static func images(in folder: URL) throws(MetricsError) -> Set<String> {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw MetricsError(file: folder.path, .notAFolder)
        }
        let base = folder.standardizedFileURL.path
        var names: Set<String> = []
        if let walker = FileManager.default.enumerator(atPath: base) {
            while let relative = walker.nextObject() as? String {
                guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                      imageExtensions.contains((relative as NSString).pathExtension.lowercased()) else { continue }
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                    names.insert(relative)
                }
            }
        }
        guard !names.isEmpty else { throw MetricsError(file: folder.path, .noImages) }
        return names
    }
}

/// Slots written at disjoint indices by a `Parallel` loop.
private struct SharedSlots<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
