import Foundation

/// A box as dlib keeps it: left, top, right and bottom, inclusive.
struct DlibRectangle: Equatable {
    var left: Int, top: Int, right: Int, bottom: Int

    /// dlib's conversion of a `drectangle`: each side rounded half away from zero (`lround`).
    init(left: Double, top: Double, right: Double, bottom: Double) {
        self.init(left: Int(left.rounded()), top: Int(top.rounded()), right: Int(right.rounded()), bottom: Int(bottom.rounded()))
    }

    init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left; self.top = top; self.right = right; self.bottom = bottom
    }

    var area: Int { max(0, right - left + 1) * max(0, bottom - top + 1) }

    func intersection(_ other: DlibRectangle) -> DlibRectangle {
        DlibRectangle(left: max(left, other.left), top: max(top, other.top), right: min(right, other.right), bottom: min(bottom, other.bottom))
    }

    /// The smallest rectangle holding both (dlib's `a + b`).
    func union(_ other: DlibRectangle) -> DlibRectangle {
        DlibRectangle(left: min(left, other.left), top: min(top, other.top), right: max(right, other.right), bottom: max(bottom, other.bottom))
    }

    var box: FaceBox { FaceBox(x: left, y: top, width: right - left + 1, height: bottom - top + 1) }
}

extension MMODOptions.Overlap {
    /// dlib's `test_box_overlap` on whole-pixel rectangles.
    func overlaps(_ a: DlibRectangle, _ b: DlibRectangle) -> Bool {
        let inner = Double(a.intersection(b).area)
        if inner == 0 { return false }
        return inner / Double(a.union(b).area) > iou || inner / Double(a.area) > covered || inner / Double(b.area) > covered
    }
}

extension MMODNetwork {
    /// dlib's `loss_mmod_::to_label`: every score above `threshold` becomes its window centred on
    /// the location's input point, mapped from its pyramid level back to the photo; then, most
    /// confident first, each is kept unless it overlaps one already kept.
    func detections(scores: [Float], rows: Int, columns: Int, pyramid: TiledPyramid,
                     threshold: Double) -> [(rectangle: DlibRectangle, confidence: Double)] {
        let plane = rows * columns
        var candidates: [(rectangle: DlibRectangle, confidence: Double)] = []
        for (k, window) in options.windows.enumerated() {
            for r in 0..<rows {
                for c in 0..<columns {
                    let score = Double(scores[k * plane + r * columns + c])
                    guard score > threshold else { continue }
                    let p = inputPoint(column: c, row: r)
                    // dlib's centered_drect: the window's width less one either side of the point, halved.
                    let (halfWidth, halfHeight) = (Double(window.width - 1) / 2, Double(window.height - 1) / 2)
                    var (left, top, right, bottom) = (p.x - halfWidth, p.y - halfHeight, p.x + halfWidth, p.y + halfHeight)
                    let level = pyramid.level(x: Int(((left + right) / 2 + 0.5).rounded(.down)),
                                              y: Int(((top + bottom) / 2 + 0.5).rounded(.down)))
                    let origin = pyramid.levels[level]
                    (left, top, right, bottom) = (left - Double(origin.left), top - Double(origin.top),
                                                  right - Double(origin.left), bottom - Double(origin.top))
                    for _ in 0..<level {
                        (left, top, right, bottom) = (left * Self.upRatio + 0.3, top * Self.upRatio + 0.3,
                                                      right * Self.upRatio + 0.3, bottom * Self.upRatio + 0.3)
                    }
                    if options.boundingBoxRegression {
                        let offset = options.windows.count + k * 4
                        let value = { (i: Int) in Double(scores[(offset + i) * plane + r * columns + c]) }
                        let (w, h) = (right - left, bottom - top)
                        let (cx, cy) = ((left + right) / 2 + value(0) * w, (top + bottom) / 2 + value(1) * h)
                        let (newW, newH) = (w * Foundation.exp(value(2)), h * Foundation.exp(value(3)))
                        (left, top, right, bottom) = (cx - newW / 2, cy - newH / 2, cx + newW / 2, cy + newH / 2)
                    }
                    candidates.append((DlibRectangle(left: left, top: top, right: right, bottom: bottom), score))
                }
            }
        }
        candidates.sort { $0.confidence > $1.confidence }
        var kept: [(rectangle: DlibRectangle, confidence: Double)] = []
        for candidate in candidates where !kept.contains(where: { options.nonMaxSuppression.overlaps($0.rectangle, candidate.rectangle) }) {
            kept.append(candidate)
        }
        return kept
    }

    /// `point_up` of `pyramid_down<6>` is p * 6/5 + 0.3.
    static let upRatio = 6.0 / 5.0
}
