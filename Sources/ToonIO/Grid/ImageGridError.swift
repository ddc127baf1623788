/// Why a grid could not be composed.
public enum ImageGridError: Error, CustomStringConvertible, Equatable, Sendable {
    case badLayout(String)
    case tooManyCells(Int, GridLayout)
    case noFrames
    case mixedSizes(index: Int, size: String, expected: String)
    case negativeSpacing(Int)

    public var description: String {
        switch self {
        case .badLayout(let text):
            return "grid layout '\(text)' is not ROWSxCOLUMNS with both at least 1 (e.g. 2x3)"
        case .tooManyCells(let count, let layout):
            return "\(count) frames do not fit a \(layout) grid"
        case .noFrames:
            return "a grid needs at least one frame"
        case .mixedSizes(let index, let size, let expected):
            return "grid cell \(index) is \(size), the other cells are \(expected)"
        case .negativeSpacing(let spacing):
            return "grid spacing \(spacing) is negative"
        }
    }
}
