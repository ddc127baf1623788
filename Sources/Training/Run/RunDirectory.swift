import Foundation

/// NVLabs' run folders: `RUNS/00000-<data>-<cfg>/`, numbered one above the highest already there.
public enum RunDirectory {
    /// A new, not yet created, run folder under `root`.
    public static func next(in root: URL, dataName: String, configName: String) -> URL {
        let next = (existing(in: root).map(\.id).max() ?? -1) + 1
        return root.appendingPathComponent(String(format: "%05d-%@-%@", next, dataName, configName))
    }

    /// The run folders under `root`, by number.
    public static func existing(in root: URL) -> [(id: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.compactMap { name in
            guard name.count > 6, name.dropFirst(5).first == "-", let id = Int(name.prefix(5)) else { return nil }
            return (id, root.appendingPathComponent(name))
        }.sorted { $0.id < $1.id }
    }

    /// The snapshot with the most images in `run`, if any.
    public static func latestSnapshot(in run: URL) -> URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("network-snapshot-"), name.hasSuffix(".safetensors"),
                  let kimg = Int(name.dropFirst(17).dropLast(12)) else { return nil }
            return (kimg, name)
        }.max { $0.0 < $1.0 }.map { run.appendingPathComponent($0.1) }
    }

    /// `--resume latest`: the newest snapshot of the highest-numbered run under `root` that has one.
    public static func latestSnapshot(under root: URL) -> (run: URL, snapshot: URL)? {
        for run in existing(in: root).reversed() {
            if let snapshot = latestSnapshot(in: run.url) { return (run.url, snapshot) }
        }
        return nil
    }

    /// `network-snapshot-000123.safetensors` for 123 kimg (images rounded down to thousands).
    public static func snapshotName(imagesSeen: Int) -> String {
        String(format: "network-snapshot-%06d.safetensors", imagesSeen / 1000)
    }
}
