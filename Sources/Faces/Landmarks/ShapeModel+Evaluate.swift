extension ShapeModel {
    /// dlib's rectangle as (left, top) and its span (right - left, bottom - top): `unnormalizing_tform`
    /// maps the unit square's (0,0) to the top-left pixel and (1,1) to the bottom-right one.
    struct Frame {
        let left: Double, top: Double, width: Double, height: Double

        init(_ box: FaceBox) {
            left = Double(box.x)
            top = Double(box.y)
            width = Double(box.width - 1)
            height = Double(box.height - 1)
        }

        func x(_ unit: Float) -> Double { width * Double(unit) + left }
        func y(_ unit: Float) -> Double { height * Double(unit) + top }
    }

    /// `shape_predictor::operator()(img, rect)` before its final rounding: the shape in the unit square.
    func evaluate(_ image: GrayImage, face: FaceBox) -> [Float] {
        let frame = Frame(face)
        var shape = initialShape
        var features: [Float] = []
        for level in levels {
            features = featurePixels(image, frame: frame, shape: shape, level: level, into: features)
            for t in level.trees {
                let tree = trees[t]
                var i = 0
                while i < tree.splitCount {
                    let s = tree.firstSplit + i
                    // dlib: left child 2i+1 when the difference is strictly greater, in float.
                    i = features[Int(splitPixel1[s])] - features[Int(splitPixel2[s])] > splitThreshold[s]
                        ? 2 * i + 1 : 2 * i + 2
                }
                let leaf = tree.firstLeafValue + (i - tree.splitCount) * shape.count
                for k in shape.indices { shape[k] += leafValues[leaf + k] }
            }
        }
        return shape
    }

    /// dlib's `extract_feature_pixel_values`: each feature pixel's offset turned by the similarity
    /// from the initial to the current shape (in float), added to its anchor point, mapped into the
    /// image (in double), rounded as dlib turns a dpoint into a point (floor(v + 0.5)); pixels outside
    /// the image read 0.
    private func featurePixels(_ image: GrayImage, frame: Frame, shape: [Float], level: Level,
                               into buffer: [Float]) -> [Float] {
        let similarity = SimilarityTransform(from: initialShape, to: shape)
        let t00 = Float(similarity.a), t01 = Float(-similarity.b), t10 = Float(similarity.b), t11 = Float(similarity.a)
        var values = buffer
        values.removeAll(keepingCapacity: true)
        let maxX = Double(image.width - 1), maxY = Double(image.height - 1)
        image.pixels.withUnsafeBufferPointer { pixels in
            for i in level.anchors.indices {
                let anchor = level.anchors[i], dx = level.deltas[2 * i], dy = level.deltas[2 * i + 1]
                // Float sums in dlib's order: row times column, then the anchor point.
                var ux = t00 * dx
                ux += t01 * dy
                ux += shape[2 * anchor]
                var uy = t10 * dx
                uy += t11 * dy
                uy += shape[2 * anchor + 1]
                let x = (frame.x(ux) + 0.5).rounded(.down), y = (frame.y(uy) + 0.5).rounded(.down)
                // Compared as doubles first, so a shape gone wild cannot trap the Int conversion.
                if x >= 0 && x <= maxX && y >= 0 && y <= maxY {
                    values.append(Float(pixels[Int(y) * image.width + Int(x)]))
                } else {
                    values.append(0)
                }
            }
        }
        return values
    }
}
