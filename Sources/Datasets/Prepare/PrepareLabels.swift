import Foundation
import ToonIO

/// One image's label as dataset.json stores it: a class index or a vector.
public enum PrepareLabel: Equatable, Sendable {
    case classIndex(Int)
    case vector([Float])

    /// As JSON (Swift's shortest round-trip float text is valid JSON).
    var json: String {
        switch self {
        case .classIndex(let index): "\(index)"
        case .vector(let values): "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
        }
    }
}

/// The labels file given to `--labels`: source-relative paths to labels, either as
/// `{"cats/a.png": 3, ...}` or in NVLabs' form `{"labels": [["cats/a.png", [0.5, 1.0]], ...]}`.
/// Every label is a non-negative integer class, or every one a list of the same number of numbers.
public struct PrepareLabels: Sendable {
    private let table: [String: PrepareLabel]

    public init(contentsOf url: URL) throws(ToonIOError) {
        func bad(_ why: String) -> ToonIOError { ToonIOError(url: url, .dataset(.badLabels(why))) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ToonIOError(url: url, .dataset(.badLabels("cannot read the file (\(SystemErrorText.reason(error)))")))
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw bad("not a JSON object")
        }
        var pairs: [(String, Any)] = []
        if object.count == 1, object["labels"] is NSNull { throw bad("\"labels\" is null: there are no labels to use") }
        if let list = object["labels"] as? [Any], object.count == 1 {
            for entry in list {
                guard let pair = entry as? [Any], pair.count == 2, let name = pair[0] as? String else {
                    throw bad("an entry of \"labels\" is not [name, label]")
                }
                pairs.append((name, pair[1]))
            }
        } else {
            pairs = object.map { ($0.key, $0.value) }
        }
        var table: [String: PrepareLabel] = [:]
        var dimension: Int?   // 0 for class indices
        for (name, value) in pairs {
            let label: PrepareLabel
            if let numbers = value as? [NSNumber], !(value is NSNumber) {
                let floats = numbers.map { $0.floatValue }
                guard !floats.isEmpty, floats.allSatisfy(\.isFinite) else { throw bad("the label of \(name) is not a list of finite numbers") }
                label = .vector(floats)
            } else if let number = value as? NSNumber, let index = Int(exactly: number.doubleValue), index >= 0,
                      index < 1_000_000 {
                label = .classIndex(index)
            } else {
                throw bad("the label of \(name) is neither a class index (a non-negative integer) nor a list of numbers")
            }
            let size: Int = if case .vector(let values) = label { values.count } else { 0 }
            if let dimension, dimension != size {
                throw bad("\(name) has a label of another kind or length than the others")
            }
            dimension = size
            table[Self.normalised(name)] = label
        }
        self.table = table
    }

    /// The label of the file at `name` (relative to the source), if the file gives one.
    func label(for name: String) -> PrepareLabel? { table[Self.normalised(name)] }

    /// Forward slashes, no leading "./".
    private static func normalised(_ name: String) -> String {
        var name = name.replacingOccurrences(of: "\\", with: "/")
        while name.hasPrefix("./") { name.removeFirst(2) }
        return name
    }

    /// dataset.json with these entry names and labels, or `{"labels": null}` without labels.
    static func datasetJSON(_ entries: [(String, PrepareLabel)]?) -> String {
        guard let entries else { return "{\"labels\": null}" }
        return "{\"labels\": [" + entries.map { "[\"\($0.0)\", \($0.1.json)]" }.joined(separator: ", ") + "]}"
    }
}
