import Testing
import ToonTestSupport
@testable import ToonIO

private func solid(_ v: UInt8, width: Int = 4, height: Int = 3) -> RGBFrame {
    RGBFrame(width: width, height: height, color: RGBFrame.Color(red: v, green: v &+ 1, blue: v &+ 2))
}

@Suite("Grid composition", .computeFromEnvironment)
struct GridCompositionTests {
    @Test("a 2x3 grid places frames row by row at their cell origins")
    func rowMajor() throws {
        let frames = (0..<6).map { solid(UInt8(10 * ($0 + 1))) }
        let grid = try ImageGrid.compose(frames, rows: 2, columns: 3)
        #expect(grid.width == 12 && grid.height == 6)
        for (i, frame) in frames.enumerated() {
            let left = (i % 3) * 4, top = (i / 3) * 3
            for (x, y) in [(left, top), (left + 3, top + 2)] {
                #expect(grid.pixel(x: x, y: y) == frame.pixel(x: 0, y: 0))
            }
        }
    }

    @Test("every pixel of a cell is copied, not just its corners")
    func fullCopy() throws {
        var random = TestRandom(seed: 2)
        let frame = RGBFrame(width: 5, height: 4, pixels: (0..<60).map { _ in UInt8(random.below(256)) })
        let grid = try ImageGrid.compose([solid(0, width: 5, height: 4), frame], rows: 1, columns: 2, spacing: 2)
        for y in 0..<4 { for x in 0..<5 { #expect(grid.pixel(x: 7 + x, y: y) == frame.pixel(x: x, y: y)) } }
    }

    @Test("nil cells, cells past the end and the spacing show the background (style-mixing layout)")
    func emptyCells() throws {
        let grey = RGBFrame.Color(red: 9, green: 8, blue: 7)
        let cells: [RGBFrame?] = [nil, solid(50), solid(60), solid(70)]
        let grid = try ImageGrid.compose(cells, rows: 2, columns: 3, spacing: 1, background: grey)
        #expect(grid.width == 3 * 4 + 2 && grid.height == 2 * 3 + 1)
        #expect(grid.pixel(x: 0, y: 0) == grey && grid.pixel(x: 3, y: 2) == grey)
        #expect(grid.pixel(x: 4, y: 0) == grey, "spacing column")
        #expect(grid.pixel(x: 5, y: 0) == solid(50).pixel(x: 0, y: 0))
        #expect(grid.pixel(x: 0, y: 3) == grey, "spacing row")
        #expect(grid.pixel(x: 0, y: 4) == solid(70).pixel(x: 0, y: 0))
        #expect(grid.pixel(x: 13, y: 6) == grey, "cells past the end")
    }

    @Test("frames of different sizes are refused with the odd cell named")
    func mixedSizes() {
        #expect(throws: ToonIOError.grid(.mixedSizes(index: 2, size: "5x3", expected: "4x3"))) {
            try ImageGrid.compose([nil, solid(1), solid(2, width: 5)], rows: 1, columns: 3)
        }
    }

    @Test("more frames than cells, or no frame at all, is an error")
    func counts() {
        #expect(throws: ToonIOError.grid(.tooManyCells(3, GridLayout(rows: 1, columns: 2)!))) {
            try ImageGrid.compose([solid(1), solid(2), solid(3)], rows: 1, columns: 2)
        }
        #expect(throws: ToonIOError.grid(.noFrames)) { try ImageGrid.compose([nil, nil], rows: 1, columns: 2) }
        #expect(throws: ToonIOError.grid(.badLayout("0x2"))) { try ImageGrid.compose([solid(1)], rows: 0, columns: 2) }
    }
}

@Suite("Grid layout parsing", .computeFromEnvironment)
struct GridLayoutTests {
    @Test("ROWSxCOLUMNS parses rows first", arguments: [("2x3", 2, 3), ("1X4", 1, 4), ("10x1", 10, 1)])
    func parses(text: String, rows: Int, columns: Int) throws {
        #expect(try GridLayout(parsing: text) == GridLayout(rows: rows, columns: columns))
    }

    @Test("malformed layouts are refused with the text quoted", arguments: ["2x", "x3", "0x3", "2x-1", "2x3x4", "abc", ""])
    func refuses(text: String) {
        #expect(throws: ToonIOError.grid(.badLayout(text))) { try GridLayout(parsing: text) }
    }
}
