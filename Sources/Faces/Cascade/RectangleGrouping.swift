/// `cv::groupRectangles(rects, groupThreshold, eps)` as OpenCV 4 does it (objdetect/src/cascadedetect.cpp):
/// the candidates a cascade accepts cluster around each object; this merges each cluster to its
/// average and keeps the clusters with more than `groupThreshold` members.
///
/// 1. Two boxes are similar when every edge moves by at most `eps * (min width + min height) / 2`;
///    clusters are the connected components of that relation (cv::partition).
/// 2. A cluster's box is the mean of its members, each coordinate summed as an integer, multiplied by
///    the float `1 / count` and rounded to nearest, ties to even.
/// 3. Clusters with `groupThreshold` members or fewer are dropped, and so is a cluster lying inside
///    another kept one (widened by `eps` of its size) when the other has more than `max(3, n)`
///    members or this one has fewer than 3.
///
/// The boxes come back in the order of each cluster's first member. `groupThreshold <= 0` returns
/// the input unchanged, as OpenCV does.
public enum RectangleGrouping {
    /// Merges `boxes` into clusters; see the type's description.
    public static func group(_ boxes: [FaceBox], threshold groupThreshold: Int, eps: Double = 0.2) -> [FaceBox] {
        if groupThreshold <= 0 || boxes.isEmpty { return boxes }
        let labels = partition(boxes, eps: eps)
        let classCount = (labels.max() ?? -1) + 1
        var sums = [(x: Int, y: Int, width: Int, height: Int)](repeating: (0, 0, 0, 0), count: classCount)
        var counts = [Int](repeating: 0, count: classCount)
        for (box, label) in zip(boxes, labels) {
            sums[label].x += box.x
            sums[label].y += box.y
            sums[label].width += box.width
            sums[label].height += box.height
            counts[label] += 1
        }
        let means = (0..<classCount).map { label -> FaceBox in
            // OpenCV: `float s = 1.f/n; saturate_cast<int>(r.x*s)`, the product in float.
            let s = 1 / Float(counts[label])
            let sum = sums[label]
            return FaceBox(x: cvRound(Float(sum.x) * s), y: cvRound(Float(sum.y) * s),
                           width: cvRound(Float(sum.width) * s), height: cvRound(Float(sum.height) * s))
        }
        var kept: [FaceBox] = []
        for i in 0..<classCount {
            let n1 = counts[i]
            if n1 <= groupThreshold { continue }
            let r1 = means[i]
            let swallowed = (0..<classCount).contains { j in
                let n2 = counts[j]
                if j == i || n2 <= groupThreshold { return false }
                let r2 = means[j]
                let dx = cvRound(Double(r2.width) * eps), dy = cvRound(Double(r2.height) * eps)
                return r1.x >= r2.x - dx && r1.y >= r2.y - dy
                    && r1.x + r1.width <= r2.x + r2.width + dx && r1.y + r1.height <= r2.y + r2.height + dy
                    && (n2 > max(3, n1) || n1 < 3)
            }
            if !swallowed { kept.append(r1) }
        }
        return kept
    }

    /// OpenCV's `SimilarRects`: every edge within `eps * (min width + min height) / 2`, in double.
    static func similar(_ a: FaceBox, _ b: FaceBox, eps: Double) -> Bool {
        let delta = eps * Double(min(a.width, b.width) + min(a.height, b.height)) * 0.5
        return Double(abs(a.x - b.x)) <= delta && Double(abs(a.y - b.y)) <= delta
            && Double(abs(a.x + a.width - b.x - b.width)) <= delta
            && Double(abs(a.y + a.height - b.y - b.height)) <= delta
    }

    /// Connected components of `similar`, numbered in order of their first member as cv::partition
    /// numbers them. Boxes are visited sorted by x, so only neighbours within reach are compared.
    static func partition(_ boxes: [FaceBox], eps: Double) -> [Int] {
        var parent = Array(boxes.indices)
        func root(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { r = parent[r] }
            var k = i
            while parent[k] != r { let next = parent[k]; parent[k] = r; k = next }
            return r
        }
        // |a.x - b.x| <= delta <= eps * (a.width + a.height) / 2, so once x has moved further than
        // the widest reach no later box can be similar.
        let order = boxes.indices.sorted { boxes[$0].x < boxes[$1].x }
        let reach = boxes.map { eps * Double(max(0, $0.width) + max(0, $0.height)) * 0.5 }.max() ?? 0
        for (position, i) in order.enumerated() {
            for j in order[(position + 1)...] {
                if Double(boxes[j].x - boxes[i].x) > reach { break }
                if similar(boxes[i], boxes[j], eps: eps) {
                    let a = root(i), b = root(j)
                    if a != b { parent[max(a, b)] = min(a, b) }
                }
            }
        }
        var labels = [Int](repeating: -1, count: boxes.count)
        var labelOfRoot: [Int: Int] = [:]
        for i in boxes.indices {
            let r = root(i)
            if let label = labelOfRoot[r] { labels[i] = label } else {
                labels[i] = labelOfRoot.count
                labelOfRoot[r] = labels[i]
            }
        }
        return labels
    }
}
