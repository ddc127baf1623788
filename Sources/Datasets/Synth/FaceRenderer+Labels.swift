extension FaceRenderer {
    /// Length of `labels(for:)`.
    public static let labelDimension = 32

    /// What each entry of `labels(for:)` means, in order (docs/datasets.md has the same table).
    public static let labelNames: [String] = {
        var names = FaceParameters.HairStyle.allCases.map { "hair.\($0)" }          // 0...6
        names += ["hair.r", "hair.g", "hair.b", "hair.anime"]                       // 7...10
        names += ["skin.r", "skin.g", "skin.b"]                                     // 11...13
        names += FaceParameters.EyeShape.allCases.map { "eyes.\($0)" }             // 14...16
        names += ["eyes.size", "eyes.spacing", "iris.r", "iris.g", "iris.b"]        // 17...21
        names += FaceParameters.MouthShape.allCases.map { "mouth.\($0)" }          // 22...24
        names += ["pose.yaw", "pose.roll", "head.width", "head.height", "head.jaw", "fringe", "blush"]  // 25...31
        return names
    }()

    /// The face's attributes as `labelDimension` floats: one-hot hair style, eye shape and mouth;
    /// colours as sRGB in 0...1; sizes, pose and the rest mapped onto 0...1 (yaw and roll onto
    /// -1...1). The style is not part of it: one person, one label vector.
    public static func labels(for face: FaceParameters) -> [Float] {
        func oneHot(_ index: Int, _ count: Int) -> [Float] {
            (0..<count).map { $0 == index ? 1 : 0 }
        }
        func unit(_ value: Float, _ range: ClosedRange<Float>) -> Float {
            min(1, max(0, (value - range.lowerBound) / (range.upperBound - range.lowerBound)))
        }
        var labels = oneHot(face.hairStyle.rawValue, FaceParameters.HairStyle.allCases.count)
        labels += [face.hairColor.r, face.hairColor.g, face.hairColor.b, face.animeHairColor ? 1 : 0]
        labels += [face.skin.r, face.skin.g, face.skin.b]
        labels += oneHot(face.eyeShape.rawValue, FaceParameters.EyeShape.allCases.count)
        labels += [unit(face.eyeSize, 0.82...1.22), unit(face.eyeSpacing, 0.076...0.097),
                   face.irisColor.r, face.irisColor.g, face.irisColor.b]
        labels += oneHot(face.mouth.rawValue, FaceParameters.MouthShape.allCases.count)
        labels += [min(1, max(-1, face.yaw)), min(1, max(-1, face.roll / 0.14)),
                   unit(face.headWidth, 0.19...0.235), unit(face.headHeight, 0.255...0.295), unit(face.jaw, 0...1),
                   unit(face.fringe, 0...1), unit(face.blush, 0...1)]
        assert(labels.count == labelDimension && labelNames.count == labelDimension)
        return labels
    }
}
