import Foundation
import Testing
@testable import Faces

/// Reading cascade files: a small valid cascade, then broken and hostile variants of it, each of
/// which must give a `FacesError` that names the file and the problem, never a trap.
@Suite("Cascade files")
struct CascadeFileTests {
    static let valid = """
        <?xml version="1.0"?>
        <!-- a 4x4 Haar cascade: one stage, one stump on a left/right contrast -->
        <opencv_storage>
        <cascade type_id="opencv-cascade-classifier">
          <stageType>BOOST</stageType>
          <featureType>HAAR</featureType>
          <height>4</height>
          <width>4</width>
          <featureParams>
            <maxCatCount>0</maxCatCount></featureParams>
          <stageNum>1</stageNum>
          <stages>
            <_>
              <maxWeakCount>1</maxWeakCount>
              <stageThreshold>-1.</stageThreshold>
              <weakClassifiers>
                <_>
                  <internalNodes>
                    0 -1 0 5.0e-01</internalNodes>
                  <leafValues>
                    -1. 1.</leafValues></_></weakClassifiers></_></stages>
          <features>
            <_>
              <rects>
                <_>0 0 2 4 -1.</_>
                <_>2 0 2 4 1.</_></rects></_></features></cascade>
        </opencv_storage>
        """

    static func load(_ text: String) throws(FacesError) -> CascadeClassifier {
        try CascadeClassifier.load(xml: Array(text.utf8), name: "test.xml")
    }

    @Test("a small hand-written cascade loads")
    func validLoads() throws {
        let classifier = try Self.load(Self.valid)
        #expect(classifier.featureType == .haar)
        #expect(classifier.windowSize == (4, 4))
        #expect(classifier.cascade.stages.count == 1)
        #expect(classifier.cascade.stages[0].threshold == Float(-1) - Float(1e-5))
        #expect(classifier.cascade.nodes[0].threshold == 0.5)
    }

    /// The same cascade in the pre-2.4 layout, as OpenCV 4 converts it: one feature per node, leaves
    /// in the order the nodes name them.
    static let old = """
        <?xml version="1.0"?>
        <opencv_storage>
        <tiny type_id="opencv-haar-classifier">
          <size>4 6</size>
          <stages>
            <_>
              <trees>
                <_>
                  <_>
                    <feature><rects><_>0 0 2 4 -1.</_><_>2 0 2 4 1.</_></rects><tilted>0</tilted></feature>
                    <threshold>0.5</threshold>
                    <left_val>-1.</left_val>
                    <right_node>1</right_node></_>
                  <_>
                    <feature><rects><_>0 0 4 2 -1.</_><_>0 2 4 2 1.</_><_>0 0 1 1 0.</_></rects></feature>
                    <threshold>0.25</threshold>
                    <left_val>0.5</left_val>
                    <right_val>1.</right_val></_></_></trees>
              <stage_threshold>-1.</stage_threshold>
              <parent>-1</parent>
              <next>-1</next></_></stages></tiny>
        </opencv_storage>
        """

    @Test("a pre-2.4 'opencv-haar-classifier' file reads as OpenCV 4's in-memory conversion of it")
    func oldFormat() throws {
        let cascade = try Self.load(Self.old).cascade
        #expect(cascade.windowWidth == 4 && cascade.windowHeight == 6)
        #expect(cascade.treeNodeCounts == [2])
        #expect(cascade.nodes.map(\.feature) == [0, 1])
        #expect(cascade.nodes.map(\.left) == [0, -1] && cascade.nodes.map(\.right) == [1, -2])
        #expect(cascade.leaves == [-1, 0.5, 1])
        #expect(cascade.stages[0].threshold == Float(-1) - Float(1e-5))
        let broken = Self.old.replacingOccurrences(of: "<right_node>1</right_node>", with: "<right_node>0</right_node>")
        #expect(throws: FacesError.self) { try Self.load(broken) }
    }

    @Test("Windows line ends, a byte order mark and entities in attributes are read")
    func lineEndsAndMarks() throws {
        let crlf = "\u{FEFF}" + Self.valid.replacingOccurrences(of: "\n", with: "\r\n")
            .replacingOccurrences(of: "opencv-cascade-classifier", with: "opencv-cascade&#45;classifier")
        let classifier = try Self.load(crlf)
        #expect(classifier.cascade.leaves == [-1, 1])
    }

    struct Broken: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        let expected: @Sendable (FacesError.Problem) -> Bool
        var testDescription: String { name }
    }

    static func replacing(_ old: String, _ new: String) -> String {
        precondition(valid.contains(old), old)
        return valid.replacingOccurrences(of: old, with: new)
    }

    static let broken: [Broken] = [
        Broken(name: "an empty file", text: "", expected: { $0 == .notACascade("empty file") }),
        Broken(name: "truncated inside an element", text: String(valid.prefix(valid.count / 2)),
               expected: { if case .malformedXML(_, let why) = $0 { why.contains("ends inside") } else { false } }),
        Broken(name: "truncated inside a tag", text: String(valid.prefix(valid.range(of: "<leafValues")!.upperBound.utf16Offset(in: valid) - 3)),
               expected: { if case .malformedXML = $0 { true } else { false } }),
        Broken(name: "mismatched end tag", text: replacing("</leafValues>", "</leafValue>"),
               expected: { if case .malformedXML(_, let why) = $0 { why.contains("closes <leafValues>") } else { false } }),
        Broken(name: "a DOCTYPE with entities", text: "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>" + valid,
               expected: { if case .malformedXML(_, let why) = $0 { why.contains("DOCTYPE") } else { false } }),
        Broken(name: "an unknown entity", text: replacing("-1. 1.</leafValues>", "&bomb; 1.</leafValues>"),
               expected: { if case .malformedXML(_, let why) = $0 { why.contains("unknown entity") } else { false } }),
        Broken(name: "nesting 10,000 deep", text: String(repeating: "<a>", count: 10_000),
               expected: { if case .malformedXML(_, let why) = $0 { why.contains("nested deeper") } else { false } }),
        Broken(name: "two root elements", text: valid + "<opencv_storage/>",
               expected: { if case .malformedXML(_, let why) = $0 { why.contains("second root") } else { false } }),
        Broken(name: "another root element", text: "<html><body/></html>",
               expected: { if case .notACascade(let why) = $0 { why.contains("<html>") } else { false } }),
        Broken(name: "another type_id", text: replacing("opencv-cascade-classifier", "opencv-matrix"),
               expected: { if case .notACascade(let why) = $0 { why.contains("opencv-matrix") } else { false } }),
        Broken(name: "the pre-2.4 type with the new layout", text: replacing("opencv-cascade-classifier", "opencv-haar-classifier"),
               expected: { if case .notACascade(let why) = $0 { why.contains("<size>") } else { false } }),
        Broken(name: "a HOG cascade", text: replacing("<featureType>HAAR", "<featureType>HOG"),
               expected: { if case .unsupported(let why) = $0 { why.contains("HOG") } else { false } }),
        Broken(name: "a stage type other than BOOST", text: replacing("BOOST", "GENTLE"),
               expected: { if case .unsupported(let why) = $0 { why.contains("GENTLE") } else { false } }),
        Broken(name: "no stages element", text: replacing("<stages>", "<stagez>").replacingOccurrences(of: "</stages>", with: "</stagez>"),
               expected: { if case .notACascade(let why) = $0 { why.contains("<stages>") } else { false } }),
        Broken(name: "a threshold that is not a number", text: replacing("<stageThreshold>-1.", "<stageThreshold>-1.x"),
               expected: { if case .badNumber(let element, _, let why) = $0 { element == "stageThreshold" && why.contains("'-1.x'") } else { false } }),
        Broken(name: "a NaN threshold", text: replacing("0 -1 0 5.0e-01", "0 -1 0 nan"),
               expected: { if case .badNumber(let element, _, _) = $0 { element == "internalNodes" } else { false } }),
        Broken(name: "a fractional node index", text: replacing("0 -1 0 5.0e-01", "0 -1 0.5 5.0e-01"),
               expected: { if case .badNumber(_, _, let why) = $0 { why.contains("32-bit integer") } else { false } }),
        Broken(name: "an index past 32 bits", text: replacing("0 -1 0 5.0e-01", "0 -1 4294967296 5.0e-01"),
               expected: { if case .badNumber(_, _, let why) = $0 { why.contains("32-bit integer") } else { false } }),
        Broken(name: "a node of the wrong length", text: replacing("0 -1 0 5.0e-01", "0 -1 0 5.0e-01 7"),
               expected: { if case .badNumber(_, _, let why) = $0 { why.contains("whole number") } else { false } }),
        Broken(name: "one leaf too few", text: replacing("-1. 1.</leafValues>", "-1.</leafValues>"),
               expected: { if case .badNumber(_, _, let why) = $0 { why.contains("1 leaves for 1 nodes") } else { false } }),
        Broken(name: "a child pointing outside the tree", text: replacing("0 -1 0 5.0e-01", "0 -2 0 5.0e-01"),
               expected: { if case .badNumber(_, _, let why) = $0 { why.contains("points to -2") } else { false } }),
        Broken(name: "a feature index past the features", text: replacing("0 -1 0 5.0e-01", "0 -1 7 5.0e-01"),
               expected: { if case .invalid(let why) = $0 { why.contains("feature 7 of 1") } else { false } }),
        Broken(name: "a negative feature index", text: replacing("0 -1 0 5.0e-01", "0 -1 -3 5.0e-01"),
               expected: { if case .badNumber(_, _, let why) = $0 { why.contains("feature index -3") } else { false } }),
        Broken(name: "a rectangle leaving the window", text: replacing("<_>2 0 2 4 1.</_>", "<_>3 0 2 4 1.</_>"),
               expected: { if case .badNumber(let element, _, let why) = $0 { element == "_" && why.contains("leaves the 4x4 window") } else { false } }),
        Broken(name: "a tilted rectangle leaving the window", text: replacing("</rects></_>", "</rects><tilted>1</tilted></_>"),
               expected: { if case .badNumber(_, _, let why) = $0 { why.contains("tilted rectangle") } else { false } }),
        Broken(name: "four rectangles in a feature", text: replacing("<_>2 0 2 4 1.</_>", "<_>2 0 2 4 1.</_><_>0 0 1 1 1.</_><_>0 0 1 1 1.</_>"),
               expected: { if case .invalid(let why) = $0 { why.contains("4 rectangles") } else { false } }),
        Broken(name: "a window of 2 pixels", text: replacing("<width>4</width>", "<width>2</width>"),
               expected: { if case .invalid(let why) = $0 { why.contains("2x4") } else { false } }),
        Broken(name: "categories on a Haar cascade", text: replacing("<maxCatCount>0", "<maxCatCount>256"),
               expected: { if case .invalid(let why) = $0 { why.contains("maxCatCount 256") } else { false } }),
        Broken(name: "binary garbage", text: String(decoding: [0x00, 0xFF, 0x3C, 0x21, 0x2D, 0x2D], as: UTF8.self),
               expected: { if case .malformedXML = $0 { true } else { false } }),
    ]

    @Test("broken and hostile files give a FacesError naming the file and the problem", arguments: broken)
    func brokenFiles(_ c: Broken) {
        do {
            _ = try Self.load(c.text)
            Issue.record("\(c.name) loaded")
        } catch {
            #expect(error.file == "test.xml")
            #expect(error.description.hasPrefix("test.xml"), "\(error)")
            #expect(c.expected(error.problem), "\(c.name): \(error)")
        }
    }

    @Test("the file cut at any byte throws a FacesError naming it")
    func everyTruncation() {
        let bytes = Array(Self.valid.utf8)  // ends with the root's end tag, so every cut truncates
        for cut in 0..<bytes.count {
            do {
                _ = try CascadeClassifier.load(xml: Array(bytes[0..<cut]), name: "cut.xml")
                Issue.record("cut at \(cut) of \(bytes.count) loaded")
            } catch {
                #expect(error.file == "cut.xml")
            }
        }
    }

    @Test("seeded byte changes never trap: each variant throws, or loads and detects on a small image")
    func byteChanges() {
        var state: UInt64 = 14
        func next() -> Int {  // SplitMix64: a fixed sequence, so a failure replays
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        let original = Array(Self.valid.utf8)
        let alphabet = Array("0123456789-.e <>/_\"&;x".utf8)
        let image = GrayImage(width: 16, height: 12, pixels: (0..<192).map { UInt8(($0 * 37) % 256) })
        var loaded = 0
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<(1 + next() % 3) { bytes[next() % bytes.count] = alphabet[next() % alphabet.count] }
            if let classifier = try? CascadeClassifier.load(xml: bytes, name: "changed.xml") {
                loaded += 1
                _ = classifier.detect(in: image, minNeighbors: 0)
            }
        }
        #expect(loaded > 0)  // some changes only touch comments or digits, and those files still run
    }

    @Test("a tree whose walk could loop is refused: a node's children come after it")
    func treeLoop() throws {
        // Three nodes; node 2 sends windows back to node 1.
        let looping = Self.replacing("0 -1 0 5.0e-01", "1 -1 0 5.0e-01 2 -2 0 5.0e-01 1 -3 0 5.0e-01")
            .replacingOccurrences(of: "-1. 1.</leafValues>", with: "-1. 1. 0.5 0.25</leafValues>")
        #expect {
            _ = try Self.load(looping)
        } throws: { error in
            guard let error = error as? FacesError, case .badNumber(_, _, let why) = error.problem else { return false }
            return why.contains("node 2 of a 3-node tree points to 1")
        }
        // The same tree with that child made a leaf loads.
        let fixed = looping.replacingOccurrences(of: "1 -3 0 5.0e-01", with: "-3 -2 0 5.0e-01")
        #expect(try Self.load(fixed).cascade.treeNodeCounts == [3])
    }

    @Test("a file that is missing or not readable gives .unreadable with the path")
    func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/cascade.xml")
        #expect {
            _ = try CascadeClassifier.load(from: url)
        } throws: { error in
            guard let error = error as? FacesError, case .unreadable = error.problem else { return false }
            return error.file == url.path && error.description.hasPrefix(url.path)
        }
    }

    @Test("the missing-package error says which Debian package to install")
    func missingPackageMessage() {
        let error = FacesError(file: "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
                               .missingPackage("opencv-data"))
        #expect(error.description.contains("apt-get install opencv-data"))
    }
}

/// The cascades Debian's opencv-data installs: every file loads and the frontal-face defaults are found.
@Suite("Debian's opencv-data cascades",
       .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/opencv4/haarcascades"),
                "Debian's opencv-data is not installed (scripts/install-deps installs it)"))
struct DebianCascadeTests {
    static let files: [String] = ["/usr/share/opencv4/haarcascades", "/usr/share/opencv4/lbpcascades"].flatMap { folder in
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".xml") }.sorted()
            .map { "\(folder)/\($0)" }
    }

    @Test("each file loads, the one pre-2.4 file included", arguments: files)
    func loads(_ path: String) throws {
        let classifier = try CascadeClassifier.load(from: URL(fileURLWithPath: path))
        #expect(classifier.cascade.stages.count > 0)
    }

    @Test("the default frontal-face cascades are Debian's")
    func defaults() throws {
        let haar = try CascadeClassifier.defaultFrontalFace()
        #expect(haar.file == "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml")
        #expect(haar.featureType == .haar && haar.windowSize == (24, 24))
        let lbp = try CascadeClassifier.defaultFrontalFace(.lbp)
        #expect(lbp.file == "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml")
        #expect(lbp.featureType == .lbp && lbp.windowSize == (45, 45))
    }
}

/// Detection on synthetic images with the small hand-written cascade: the pyramid's edges.
@Suite("Cascade detection edges")
struct CascadeDetectionEdgeTests {
    static let classifier = try! CascadeClassifier.load(xml: Array(CascadeFileTests.valid.utf8), name: "test.xml")

    @Test("an image smaller than the window gives no box; a huge scale factor one level")
    func pyramidEdges() {
        let tiny = GrayImage(width: 3, height: 3, pixels: [UInt8](repeating: 9, count: 9))
        #expect(Self.classifier.detect(in: tiny).isEmpty)
        let levels = Self.classifier.cascade.levels(imageWidth: 40, imageHeight: 30, scaleFactor: 1e300,
                                                    minSize: (0, 0), maxSize: (0, 0))
        #expect(levels.map(\.scale) == [1])
    }

    @Test("a dark-to-bright edge passes the one-stump cascade at threshold 0; the mirrored edge and a flat image do not")
    func edgeFound() throws {
        // With the stage threshold at 0 only the stump's right leaf (+1) passes: windows whose right
        // half is brighter by at least half the inner 2x2 block's contrast.
        let strict = try CascadeClassifier.load(xml: Array(CascadeFileTests.valid.replacingOccurrences(
            of: "<stageThreshold>-1.", with: "<stageThreshold>0.").utf8), name: "strict.xml")
        func image(brightRight: Bool) -> GrayImage {
            var pixels = [UInt8](repeating: 0, count: 12 * 8)
            for y in 0..<8 { for x in 0..<12 where (x >= 6) == brightRight { pixels[y * 12 + x] = 200 } }
            return GrayImage(width: 12, height: 8, pixels: pixels)
        }
        let found = strict.detect(in: image(brightRight: true), minNeighbors: 0)
        #expect(found.contains(FaceBox(x: 4, y: 0, width: 4, height: 4)))
        #expect(found.allSatisfy { $0.x < 6 && $0.x + $0.width > 6 }, "\(found)")
        #expect(strict.detect(in: image(brightRight: false), minNeighbors: 0).isEmpty)
        let flat = GrayImage(width: 12, height: 8, pixels: [UInt8](repeating: 128, count: 96))
        // No contrast: every window is skipped before its first stage, even at threshold -1.
        #expect(Self.classifier.detect(in: flat, minNeighbors: 0).isEmpty)
    }
}
