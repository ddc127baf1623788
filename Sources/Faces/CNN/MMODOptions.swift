/// The settings of dlib's MMOD loss that detection uses (dlib's `mmod_options`): the detector
/// windows (one output channel each) and the overlap rule of non-max suppression.
struct MMODOptions: Sendable, Equatable {
    /// A window shape the network scores: its size in pyramid pixels and its label.
    struct Window: Sendable, Equatable {
        var width: Int
        var height: Int
        var label: String
    }

    /// dlib's `test_box_overlap`: two boxes overlap when their intersection is more than
    /// `iou` of the box that bounds both, or more than `covered` of either box.
    struct Overlap: Sendable, Equatable {
        var iou: Double
        var covered: Double
    }

    var windows: [Window]
    var nonMaxSuppression: Overlap
    /// With bounding-box regression the last layer has four more channels per window.
    var boundingBoxRegression: Bool

    /// Reads `mmod_options` (versions 1 to 4). Only the windows, the suppression rule and the
    /// regression flag matter for detection; the training settings are read and checked only as numbers.
    static func read(_ d: inout DlibDecoder) throws(FacesError) -> MMODOptions {
        let start = d.offset
        let version = try d.signed("the version of the MMOD options", bytes: 4)
        guard (1...4).contains(version) else { throw d.error("MMOD options of version \(version), not 1 to 4", at: start) }
        var windows: [Window] = []
        if version == 1 {
            windows = [Window(width: try size(&d, "the detector window's width"),
                              height: try size(&d, "the detector window's height"), label: "")]
        } else {
            let n = try d.count("the detector windows", minimumBytesEach: 3 * DlibDecoder.integerBytes)
            for _ in 0..<n {
                let at = d.offset
                let windowVersion = try d.signed("a detector window's version", bytes: 4)
                guard windowVersion == 1 || windowVersion == 2 else {
                    throw d.error("a detector window of version \(windowVersion), not 1 or 2", at: at)
                }
                let width = try size(&d, "a detector window's width"), height = try size(&d, "a detector window's height")
                windows.append(Window(width: width, height: height,
                                      label: windowVersion == 2 ? try d.string("a detector window's label") : ""))
            }
        }
        guard !windows.isEmpty else { throw d.error("the MMOD options have no detector window", at: start) }
        for name in ["loss per false alarm", "loss per missed target", "truth match IoU threshold"] { _ = try d.double("the \(name)") }
        let nms = try overlap(&d, "the non-max suppression overlap")
        _ = try overlap(&d, "the ignore overlap")
        var regression = false
        if version >= 3 { _ = try d.byte("the image pyramid flag") }
        if version >= 4 {
            regression = try d.bool("the bounding box regression flag")
            _ = try d.double("the bounding box regression lambda")
        }
        return MMODOptions(windows: windows, nonMaxSuppression: nms, boundingBoxRegression: regression)
    }

    private static func size(_ d: inout DlibDecoder, _ what: String) throws(FacesError) -> Int {
        let at = d.offset
        let value = try d.unsigned(what)
        guard value >= 1 && value <= 100_000 else { throw d.error("\(what) is \(value)", at: at) }
        return Int(value)
    }

    private static func overlap(_ d: inout DlibDecoder, _ what: String) throws(FacesError) -> Overlap {
        let at = d.offset
        let iou = try d.double("\(what)'s IoU threshold"), covered = try d.double("\(what)'s covered threshold")
        guard (0...1).contains(iou) && (0...1).contains(covered) else {
            throw d.error("\(what): thresholds \(iou) and \(covered) outside 0...1", at: at)
        }
        return Overlap(iou: iou, covered: covered)
    }
}
