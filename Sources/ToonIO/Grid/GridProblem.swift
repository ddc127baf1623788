extension ToonIOError {
    /// Why a grid could not be composed. Grids concern no file: the error's file is nil.
    public enum GridProblem: Equatable, Sendable {
        case badLayout(String)
        case tooManyCells(Int, GridLayout)
        case noFrames
        case mixedSizes(index: Int, size: String, expected: String)
        case negativeSpacing(Int)

        var message: String {
            switch self {
            case .badLayout(let text):
                "grid layout '\(text)' is not ROWSxCOLUMNS with both at least 1 (e.g. 2x3)"
            case .tooManyCells(let count, let layout):
                "\(count) frames do not fit a \(layout) grid"
            case .noFrames:
                "a grid needs at least one frame"
            case .mixedSizes(let index, let size, let expected):
                "grid cell \(index) is \(size), the other cells are \(expected)"
            case .negativeSpacing(let spacing):
                "grid spacing \(spacing) is negative"
            }
        }
    }
}
