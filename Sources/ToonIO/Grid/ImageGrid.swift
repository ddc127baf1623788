/// Lays equally sized frames out in a grid: `toon generate --grid 2x3`, and the style-mixing
/// table whose top-left cell is empty.
public enum ImageGrid {
    /// One image of `layout.rows` x `layout.columns` cells filled row by row from `cells`.
    ///
    /// A nil cell, and every cell past the end of `cells`, shows `background`; so does the
    /// `spacing` pixels left between neighbouring cells (none around the border). All frames must
    /// have the same size.
    public static func compose(
        _ cells: [RGBFrame?], layout: GridLayout, spacing: Int = 0, background: RGBFrame.Color = .black
    ) throws(ToonIOError) -> RGBFrame {
        guard cells.count <= layout.rows * layout.columns else {
            throw ToonIOError.grid(.tooManyCells(cells.count, layout))
        }
        guard spacing >= 0 else { throw ToonIOError.grid(.negativeSpacing(spacing)) }
        guard let first = cells.lazy.compactMap({ $0 }).first else { throw ToonIOError.grid(.noFrames) }
        let cellWidth = first.width, cellHeight = first.height
        for (i, cell) in cells.enumerated() {
            if let cell, cell.width != cellWidth || cell.height != cellHeight {
                throw ToonIOError.grid(.mixedSizes(index: i, size: cell.sizeDescription, expected: first.sizeDescription))
            }
        }
        let width = layout.columns * cellWidth + (layout.columns - 1) * spacing
        let height = layout.rows * cellHeight + (layout.rows - 1) * spacing
        var grid = RGBFrame(width: width, height: height, color: background)
        let rowBytes = cellWidth * 3
        grid.pixels.withUnsafeMutableBufferPointer { target in
            for (i, cell) in cells.enumerated() {
                guard let cell else { continue }
                let left = (i % layout.columns) * (cellWidth + spacing)
                let top = (i / layout.columns) * (cellHeight + spacing)
                cell.pixels.withUnsafeBufferPointer { source in
                    for y in 0..<cellHeight {
                        let from = source.baseAddress! + y * rowBytes
                        let to = target.baseAddress! + ((top + y) * width + left) * 3
                        to.update(from: from, count: rowBytes)
                    }
                }
            }
        }
        return grid
    }

    /// `compose` with `rows` x `columns` cells.
    public static func compose(
        _ cells: [RGBFrame?], rows: Int, columns: Int, spacing: Int = 0, background: RGBFrame.Color = .black
    ) throws(ToonIOError) -> RGBFrame {
        guard let layout = GridLayout(rows: rows, columns: columns) else {
            throw ToonIOError.grid(.badLayout("\(rows)x\(columns)"))
        }
        return try compose(cells, layout: layout, spacing: spacing, background: background)
    }
}
