import Foundation
import ToonCore
import ToonIO

/// Which direction an edit follows: SeFa's direction `k` (0 = largest eigenvalue) for the edited
/// layers, or row `k` of a .npy of directions ([count, wDim], e.g. one `toon edit
/// --save-directions` wrote).
public enum DirectionChoice: Equatable, Sendable {
    case sefa(Int)
    case file(String, row: Int)

    /// `sefa:K` or `FILE.npy:K` (the last colon splits, so a path may hold colons).
    public init(parsing text: String) throws(StyleGANError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw .editing(.badDirection(text, "expected sefa:K or FILE.npy:K"))
        }
        let source = String(text[..<colon]), index = text[text.index(after: colon)...]
        guard let k = Int(index), k >= 0 else {
            throw .editing(.badDirection(text, "'\(index)' is not a direction number (0, 1, ...)"))
        }
        guard !source.isEmpty else { throw .editing(.badDirection(text, "no source before the colon")) }
        self = source == "sefa" ? .sefa(k) : .file(source, row: k)
    }

    /// The direction's part of file names: `sefa3`, or the file's stem and row (`smile2`), letters,
    /// digits and '-' only.
    public var label: String {
        switch self {
        case .sefa(let k): return "sefa\(k)"
        case .file(let path, let row):
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let safe = String(stem.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "-" })
            return "\(safe.isEmpty ? "dir" : safe)\(row)"
        }
    }
}

/// The ws an edit looks at and moves: `all`, or one w or a range such as `0-3` (coarse styles).
public enum LayerSelection: Equatable, Sendable {
    case all
    case range(ClosedRange<Int>)

    public init(parsing text: String) throws(StyleGANError) {
        let item = text.trimmingCharacters(in: .whitespaces)
        if item == "all" { self = .all; return }
        let bounds = item.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        switch bounds.count {
        case 1 where bounds[0] != nil && bounds[0]! >= 0:
            self = .range(bounds[0]!...bounds[0]!)
        case 2 where bounds[0] != nil && bounds[1] != nil && bounds[0]! >= 0:
            guard bounds[0]! <= bounds[1]! else { throw .editing(.badLayers(text, "the range runs backwards")) }
            self = .range(bounds[0]!...bounds[1]!)
        default:
            throw .editing(.badLayers(text, "expected all, a w index or a range A-B such as 0-3"))
        }
    }

    /// The ws for a network with `numWs` of them.
    public func layers(numWs: Int) throws(StyleGANError) -> [Int] {
        switch self {
        case .all: return Array(0..<numWs)
        case .range(let range):
            guard range.upperBound < numWs else { throw .editing(.layerOutOfRange(range.upperBound, numWs: numWs)) }
            return Array(range)
        }
    }
}

/// Edit strengths (`-3,-1.5,0,1.5,3`) and how they appear in file names.
public enum EditStrengths {
    public static func parse(_ text: String) throws(StyleGANError) -> [Float] {
        var values: [Float] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let value = Float(item), value.isFinite else {
                throw .editing(.badStrengths(text, "'\(item)' is not a finite number"))
            }
            values.append(value)
        }
        let labels = values.map(label)
        if let repeated = labels.indices.first(where: { labels[..<$0].contains(labels[$0]) }) {
            throw .editing(.badStrengths(text, "\(labels[repeated]) is listed twice"))
        }
        return values
    }

    /// A signed, short form: `+1.5`, `-3`, `+0` (-0 is `+0`): integers without a fraction, others
    /// as Swift prints the Float (the shortest text that reads back the same value).
    public static func label(_ strength: Float) -> String {
        let magnitude = abs(strength)
        let digits = magnitude == magnitude.rounded() && magnitude < 1e9 ? String(Int(magnitude)) : "\(magnitude)"
        return (strength < 0 ? "-" : "+") + digits
    }
}

/// Names of `toon edit`'s files: `seed0042_sefa3_+1.5.png` per strength, `seed0042_sefa3_strip.png`
/// for a strip (one row, strengths left to right).
public enum EditNames {
    public static func image(subject: String, direction: DirectionChoice, strength: Float) -> String {
        "\(subject)_\(direction.label)_\(EditStrengths.label(strength)).png"
    }

    public static func strip(subject: String, direction: DirectionChoice) -> String {
        "\(subject)_\(direction.label)_strip.png"
    }
}

extension LatentDirections {
    /// Directions from a .npy of float32/float64 [count, wDim] (rows as written by `toon edit
    /// --save-directions`), used as they are, not rescaled; for editing `layers`.
    public static func read(_ url: URL, wDim: Int, layers: [Int]) throws(StyleGANError) -> LatentDirections {
        let file: MappedFile, header: NPYHeader, raw: Tensor
        do {
            file = try MappedFile(url: url)
            header = try NPYHeader.parse(file.bytes, url: url)
            raw = try NPY.decode(file.bytes, url: url)
        } catch { throw StyleGANError(error) }
        guard header.descr.dropFirst().first == "f" else {
            throw StyleGANError(url: url, .editing(.directionFile("holds \(header.descr) values; directions are a float array")))
        }
        guard raw.rank == 2, raw.shape[1] == wDim, raw.shape[0] > 0 else {
            throw StyleGANError(url: url, .editing(.directionFile("has shape \(raw.shape); directions for this network are [count, \(wDim)]")))
        }
        if raw.scalars.contains(where: { !$0.isFinite }) {
            throw StyleGANError(url: url, .editing(.directionFile("holds NaN or infinite values")))
        }
        return LatentDirections(vectors: raw, layers: layers)
    }
}
