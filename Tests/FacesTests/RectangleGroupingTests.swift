import Testing
@testable import Faces

/// `RectangleGrouping.group` against cv2.groupRectangles on hand-made and seeded rectangles
/// (Reference/cascade_reference.json): the same boxes exactly. The cases include averages that land
/// on .5 (OpenCV rounds them to even), a small cluster inside a larger one, chains of boxes that are
/// similar only through a middle one, and threshold 0.
@Suite("Rectangle grouping matches cv2.groupRectangles")
struct RectangleGroupingTests {
    static let cases = CascadeReference.shared.grouping

    @Test("the same groups as cv2.groupRectangles", arguments: cases.indices)
    func matchesOpenCV(_ index: Int) {
        let c = Self.cases[index]
        let grouped = RectangleGrouping.group(CascadeReference.boxes(c.rects), threshold: c.groupThreshold, eps: c.eps)
        #expect(CascadeReference.sorted(grouped) == CascadeReference.boxes(c.grouped),
                "threshold \(c.groupThreshold), eps \(c.eps), \(c.rects.count) boxes")
    }

    @Test("a cluster's mean rounds half to even: 10.5 -> 10, 11.5 -> 12")
    func halfToEven() {
        let boxes = [FaceBox(x: 10, y: 11, width: 20, height: 20), FaceBox(x: 11, y: 12, width: 20, height: 20)]
        #expect(RectangleGrouping.group(boxes, threshold: 1) == [FaceBox(x: 10, y: 12, width: 20, height: 20)])
    }

    @Test("clusters come back in the order of their first member; similarity is transitive through a chain")
    func partitionOrder() {
        let boxes = [FaceBox(x: 200, y: 0, width: 30, height: 30), FaceBox(x: 5, y: 5, width: 30, height: 30),
                     FaceBox(x: 11, y: 5, width: 30, height: 30), FaceBox(x: 17, y: 5, width: 30, height: 30)]
        // 5 and 17 differ by 12 > 0.2 * 60 / 2 = 6, but each is within 6 of 11.
        #expect(RectangleGrouping.partition(boxes, eps: 0.2) == [0, 1, 1, 1])
    }
}
