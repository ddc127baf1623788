import Foundation

extension Cascade {
    /// Cascade files larger than this are refused before parsing; OpenCV's biggest is under 3 MB.
    static let maximumFileBytes = 64 << 20

    /// Reads an OpenCV cascade file: `<cascade type_id="opencv-cascade-classifier">` as
    /// opencv_traincascade writes it (BOOST stages over HAAR or LBP features), or the pre-2.4
    /// `opencv-haar-classifier` format (Cascade+ReadOld.swift).
    static func read(from url: URL) throws(FacesError) -> Cascade {
        let file = url.path
        let bytes: [UInt8]
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            if size > UInt64(maximumFileBytes) {
                throw FacesError(file: file, .invalid("\(size) bytes, more than any cascade (limit \(maximumFileBytes))"))
            }
            try handle.seek(toOffset: 0)
            bytes = [UInt8](try handle.readToEnd() ?? Data())
        } catch let error as FacesError {
            throw error
        } catch {
            throw FacesError(file: file, .unreadable((error as NSError).localizedDescription))
        }
        return try parse(bytes, file: file)
    }

    /// Reads cascade XML held in memory; `file` names the source in errors.
    static func parse(_ bytes: [UInt8], file: String) throws(FacesError) -> Cascade {
        if bytes.isEmpty { throw FacesError(file: file, .notACascade("empty file")) }
        let root = try XMLReader.parse(bytes, file: file)
        guard root.name == "opencv_storage" else {
            throw FacesError(file: file, .notACascade("the root element is <\(root.name)>, not <opencv_storage>"))
        }
        // OpenCV reads the first top-level node, whatever its name ("cascade" from traincascade).
        guard let node = root.children.first else {
            throw FacesError(file: file, .notACascade("<opencv_storage> is empty"))
        }
        switch node.attributes["type_id"] {
        case nil, "opencv-cascade-classifier":
            var reader = CascadeFileReader(file: file)
            return try reader.cascade(node)
        case "opencv-haar-classifier":
            var reader = CascadeFileReader(file: file)
            return try reader.oldHaarCascade(node)
        case let other?:
            throw FacesError(file: file, .notACascade("<\(node.name)> has type_id \(FacesError.quoted(Substring(other)))"))
        }
    }
}

/// Turns the XML tree of a cascade into a `Cascade`, checking every number on the way.
struct CascadeFileReader {
    let file: String

    func invalid(_ reason: String) -> FacesError { FacesError(file: file, .invalid(reason)) }

    func required(_ name: String, in parent: XMLElement) throws(FacesError) -> XMLElement {
        guard let child = parent.child(name) else {
            throw FacesError(file: file, .notACascade("<\(parent.name)> (line \(parent.line)) has no <\(name)>"))
        }
        return child
    }

    /// The element's text split at white space; `isWhitespace` also covers "\r\n", one Character in
    /// Swift, which files written on Windows (Debian's lbpcascade_frontalface.xml) are full of.
    func tokens(_ element: XMLElement) -> [Substring] {
        element.text.split(whereSeparator: \.isWhitespace)
    }

    func badNumber(_ element: XMLElement, _ reason: String) -> FacesError {
        FacesError(file: file, .badNumber(element: element.name, line: element.line, reason))
    }

    func integer(_ token: Substring, in element: XMLElement) throws(FacesError) -> Int32 {
        guard let value = Int32(token) else {
            throw badNumber(element, "\(FacesError.quoted(token)) is not a 32-bit integer")
        }
        return value
    }

    /// A decimal number as strtod reads it; OpenCV reads doubles, then narrows where it keeps floats.
    func real(_ token: Substring, in element: XMLElement) throws(FacesError) -> Double {
        let allowed = token.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        }
        guard allowed, let value = Double(token), value.isFinite else {
            throw badNumber(element, "\(FacesError.quoted(token)) is not a finite decimal number")
        }
        return value
    }

    func singleInteger(_ name: String, in parent: XMLElement) throws(FacesError) -> Int {
        let element = try required(name, in: parent)
        let parts = tokens(element)
        guard parts.count == 1 else { throw badNumber(element, "expected one integer, found \(parts.count) values") }
        return Int(try integer(parts[0], in: element))
    }

    func word(_ name: String, in parent: XMLElement) throws(FacesError) -> String {
        let element = try required(name, in: parent)
        return element.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    mutating func cascade(_ node: XMLElement) throws(FacesError) -> Cascade {
        let stageType = try word("stageType", in: node)
        guard stageType == "BOOST" else {
            throw FacesError(file: file, .unsupported("stage type \(FacesError.quoted(Substring(stageType))), only BOOST"))
        }
        let featureType = try word("featureType", in: node)
        guard featureType == "HAAR" || featureType == "LBP" else {
            throw FacesError(file: file, .unsupported("feature type \(FacesError.quoted(Substring(featureType))), only HAAR and LBP"))
        }
        let isHaar = featureType == "HAAR"
        let width = try singleInteger("width", in: node), height = try singleInteger("height", in: node)
        // Haar normalises over the window less a 1-pixel border, so it needs 3x3 at least.
        let smallest = isHaar ? 3 : 1
        guard (smallest...4096).contains(width), (smallest...4096).contains(height) else {
            throw invalid("window of \(width)x\(height) pixels")
        }
        let parameters = try required("featureParams", in: node)
        let categories = parameters.child("maxCatCount") == nil ? 0 : try singleInteger("maxCatCount", in: parameters)
        // LBP codes are 0...255: the split tables need 256 bits. Haar splits on thresholds.
        guard isHaar ? categories == 0 : categories == 256 else {
            throw invalid("maxCatCount \(categories) for \(featureType) features (expected \(isHaar ? 0 : 256))")
        }
        let subsetWords = (categories + 31) / 32
        let nodeStep = 3 + (categories > 0 ? subsetWords : 1)

        var stages: [Cascade.Stage] = []
        var treeNodeCounts: [Int] = []
        var nodes: [Cascade.Node] = []
        var leaves: [Float] = []
        var subsets: [Int] = []
        let stageList = try required("stages", in: node)
        guard !stageList.children.isEmpty else { throw invalid("no stages") }
        for (stageIndex, stageElement) in stageList.children.enumerated() {
            let thresholdElement = try required("stageThreshold", in: stageElement)
            let thresholdTokens = tokens(thresholdElement)
            guard thresholdTokens.count == 1 else {
                throw badNumber(thresholdElement, "expected one number, found \(thresholdTokens.count) values")
            }
            // OpenCV: `(float)node - THRESHOLD_EPS`, in float.
            let threshold = Float(try real(thresholdTokens[0], in: thresholdElement)) - Float(1e-5)
            let weak = try required("weakClassifiers", in: stageElement)
            guard !weak.children.isEmpty else { throw invalid("stage \(stageIndex) has no weak classifiers") }
            stages.append(Cascade.Stage(firstTree: treeNodeCounts.count, treeCount: weak.children.count, threshold: threshold))
            for tree in weak.children {
                let splits = try required("internalNodes", in: tree)
                let leafElement = try required("leafValues", in: tree)
                let values = tokens(splits)
                guard !values.isEmpty, values.count % nodeStep == 0 else {
                    throw badNumber(splits, "\(values.count) values, not a whole number of \(nodeStep)-value nodes")
                }
                let nodeCount = values.count / nodeStep
                let leafTokens = tokens(leafElement)
                guard leafTokens.count == nodeCount + 1 else {
                    throw badNumber(leafElement, "\(leafTokens.count) leaves for \(nodeCount) nodes (expected \(nodeCount + 1))")
                }
                for k in 0..<nodeCount {
                    let base = k * nodeStep
                    let left = Int(try integer(values[base], in: splits)), right = Int(try integer(values[base + 1], in: splits))
                    let feature = Int(try integer(values[base + 2], in: splits))
                    for child in [left, right] {
                        // A later node or a leaf of this tree: walks always end, and stay in the tree.
                        let inTree = child > 0 ? (child > k && child < nodeCount) : -child <= nodeCount
                        guard inTree else {
                            throw badNumber(splits, "node \(k) of a \(nodeCount)-node tree points to \(child)")
                        }
                    }
                    guard feature >= 0 else { throw badNumber(splits, "feature index \(feature)") }
                    var threshold: Float = 0
                    if categories > 0 {
                        for j in 0..<subsetWords { subsets.append(Int(try integer(values[base + 3 + j], in: splits))) }
                    } else {
                        threshold = Float(try real(values[base + 3], in: splits))
                    }
                    nodes.append(Cascade.Node(feature: feature, threshold: threshold, left: left, right: right))
                }
                for token in leafTokens { leaves.append(Float(try real(token, in: leafElement))) }
                treeNodeCounts.append(nodeCount)
            }
        }

        let featureList = try required("features", in: node)
        guard !featureList.children.isEmpty else { throw invalid("no features") }
        let features: Cascade.Features
        if isHaar {
            features = .haar(try featureList.children.map { element throws(FacesError) in
                try haarFeature(element, width: width, height: height)
            })
        } else {
            features = .lbp(try featureList.children.map { element throws(FacesError) in
                try lbpFeature(element, width: width, height: height)
            })
        }
        let featureCount = featureList.children.count
        if let node = nodes.first(where: { $0.feature >= featureCount }) {
            throw invalid("a node uses feature \(node.feature) of \(featureCount)")
        }
        return Cascade(windowWidth: width, windowHeight: height, stages: stages, treeNodeCounts: treeNodeCounts,
                       nodes: nodes, leaves: leaves, subsets: subsets, subsetWords: subsetWords, features: features)
    }

    func haarFeature(_ element: XMLElement, width: Int, height: Int) throws(FacesError) -> Cascade.HaarFeature {
        let rectList = try required("rects", in: element)
        guard (1...3).contains(rectList.children.count) else {
            throw invalid("a Haar feature (line \(element.line)) with \(rectList.children.count) rectangles (1 to 3)")
        }
        let tilted = element.child("tilted") == nil ? false : try singleInteger("tilted", in: element) != 0
        return try haarFeature(rectangles: rectList, tilted: tilted, width: width, height: height)
    }

    /// The rectangles of a Haar feature (`x y width height weight` each), checked against the window.
    func haarFeature(rectangles rectList: XMLElement, tilted: Bool, width: Int, height: Int) throws(FacesError) -> Cascade.HaarFeature {
        var rectangles: [Cascade.HaarFeature.Rectangle] = []
        for rectElement in rectList.children {
            let parts = tokens(rectElement)
            guard parts.count == 5 else {
                throw badNumber(rectElement, "expected x y width height weight, found \(parts.count) values")
            }
            let x = try integer(parts[0], in: rectElement), y = try integer(parts[1], in: rectElement)
            let w = try integer(parts[2], in: rectElement), h = try integer(parts[3], in: rectElement)
            let weight = Float(try real(parts[4], in: rectElement))
            // Every corner the integral images are read at must lie inside the window.
            let (X, Y, W, H) = (Int(x), Int(y), Int(w), Int(h))
            let inside = tilted
                ? W >= 0 && H >= 0 && Y >= 0 && X - H >= 0 && X + W <= width && Y + W + H <= height
                : W >= 0 && H >= 0 && X >= 0 && Y >= 0 && X + W <= width && Y + H <= height
            guard inside else {
                throw badNumber(rectElement, "\(tilted ? "tilted " : "")rectangle \(x) \(y) \(w) \(h) leaves the \(width)x\(height) window")
            }
            rectangles.append(.init(x: x, y: y, width: w, height: h, weight: weight))
        }
        while rectangles.count < 3 { rectangles.append(.init(x: 0, y: 0, width: 0, height: 0, weight: 0)) }
        return Cascade.HaarFeature(rectangles: rectangles, tilted: tilted)
    }

    func lbpFeature(_ element: XMLElement, width: Int, height: Int) throws(FacesError) -> Cascade.LBPFeature {
        let rect = try required("rect", in: element)
        let parts = tokens(rect)
        guard parts.count == 4 else { throw badNumber(rect, "expected x y width height, found \(parts.count) values") }
        let x = try integer(parts[0], in: rect), y = try integer(parts[1], in: rect)
        let w = try integer(parts[2], in: rect), h = try integer(parts[3], in: rect)
        let (X, Y, W, H) = (Int(x), Int(y), Int(w), Int(h))
        guard X >= 0, Y >= 0, W >= 0, H >= 0, X + 3 * W <= width, Y + 3 * H <= height else {
            throw badNumber(rect, "the 3x3 blocks of \(x) \(y) \(w) \(h) leave the \(width)x\(height) window")
        }
        return Cascade.LBPFeature(x: x, y: y, width: w, height: h)
    }
}
