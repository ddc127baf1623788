/// Rows and columns of a grid, as `--grid 2x3` spells them (rows first).
public struct GridLayout: Equatable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int

    /// A layout of at least one row and one column, or nil.
    public init?(rows: Int, columns: Int) {
        guard rows >= 1, columns >= 1 else { return nil }
        self.rows = rows
        self.columns = columns
    }

    /// Parses "ROWSxCOLUMNS", e.g. "2x3" (an upper-case X is accepted too).
    public init(parsing text: String) throws(ToonIOError) {
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "x" || $0 == "X" })
        guard parts.count == 2, let rows = Int(parts[0]), let columns = Int(parts[1]),
              let layout = GridLayout(rows: rows, columns: columns) else {
            throw ToonIOError.grid(.badLayout(text))
        }
        self = layout
    }

    public var description: String { "\(rows)x\(columns)" }
}
