import Testing
@testable import Faces

/// dlib's tiled pyramid layout: each level 5/6 of the last (rounded down), none shorter than 5
/// rows, all inside the tiled image, none overlapping another with its padding.
struct TiledPyramidTests {
    @Test("levels shrink by 5/6, fit, and keep their padding apart", arguments: [(1280, 886), (640, 480), (300, 800), (40, 30), (7, 5)])
    func layout(_ size: (Int, Int)) {
        let pyramid = TiledPyramid(imageWidth: size.0, imageHeight: size.1, padding: 10, outerPadding: 11)
        #expect(pyramid.levels[0] == TiledPyramid.Level(left: 11, top: 11, width: size.0, height: size.1))
        #expect(pyramid.width == size.0 + 22)
        for (i, level) in pyramid.levels.enumerated() {
            #expect(level.left >= 11 && level.top >= 11 && level.right < pyramid.width - 11 && level.bottom < pyramid.height - 11)
            #expect(level.height >= TiledPyramid.minimumHeight)
            if i > 0 {
                #expect(level.width == Int(5.0 / 6.0 * Double(pyramid.levels[i - 1].width)))
                #expect(level.height == Int(5.0 / 6.0 * Double(pyramid.levels[i - 1].height)))
            }
            for other in pyramid.levels[..<i] {
                let padded = TiledPyramid.Level(left: other.left - 9, top: other.top - 9, width: other.width + 18, height: other.height + 18)
                #expect(!level.intersects(padded), "\(size): level \(i) \(level) touches \(other)")
            }
        }
    }

    @Test("a 1280x886 photo tiles into the column and the climb back beside it")
    func twoColumns() {
        let pyramid = TiledPyramid(imageWidth: 1280, imageHeight: 886, padding: 10, outerPadding: 11)
        #expect(pyramid.levels.count > 15)
        #expect(pyramid.levels.contains { $0.left > 11 })
        #expect(pyramid.height < 4 * 886)
    }

    @Test("points find their level, or the nearest")
    func nearestLevel() {
        let pyramid = TiledPyramid(imageWidth: 640, imageHeight: 480, padding: 10, outerPadding: 11)
        #expect(pyramid.level(x: 20, y: 20) == 0)
        #expect(pyramid.level(x: 0, y: 0) == 0)
        let third = pyramid.levels[2]
        #expect(pyramid.level(x: third.left + 3, y: third.top + 3) == 2)
    }
}
