import Foundation
import ToonCore
import ToonIO
import ToonNN

/// A student network with its weights: what `toon distill` writes and `toon stylize` runs. Stored as
/// safetensors (F32) with the config as JSON under `toonkit.config` and `toonkit.kind` =
/// `stylizer-student` in the metadata.
public struct StudentModel: Sendable {
    public let network: StudentNetwork
    public var parameters: ParameterStore

    public static let kind = "stylizer-student"
    /// Keys sorted, so the same model always writes the same bytes.
    static let sortedJSON: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    static let kindKey = "toonkit.kind"

    public var config: StudentConfig { network.config }

    /// A student with its parameters; they must be exactly the config's.
    public init(config: StudentConfig, parameters: ParameterStore) throws(ParameterMismatch) {
        network = StudentNetwork(config)
        try network.spec.validate(parameters)
        self.parameters = parameters
    }

    /// A new student with initial weights from `seed`.
    public static func initial(_ config: StudentConfig, seed: UInt64) -> StudentModel {
        let network = StudentNetwork(config)
        return try! StudentModel(config: config, parameters: network.spec.initialize(seed: seed))
    }

    /// The stylized images of `images` [N, 3, H, W] in [-1, 1]; `degree` when the student takes one.
    public func stylize(_ images: Tensor, degree: Float? = nil) -> Tensor {
        let degrees = config.degreeInput ? Tensor(repeating: degree ?? 1, shape: [images.shape[0]]) : nil
        return withoutGradients { network(images, degree: degrees, parameters) }
    }

    /// Writes the model to `url` atomically.
    public func write(to url: URL) throws(ToonIOError) {
        let json = String(data: try! Self.sortedJSON.encode(config), encoding: .utf8)!
        let tensors = Dictionary(uniqueKeysWithValues: parameters.pairs.map { ($0.name, $0.tensor) })
        try SafeTensors.write(tensors, metadata: [SafeTensors.configKey: json, Self.kindKey: Self.kind], to: url)
    }

    /// Reads a model `write` made; anything else is one error naming the file and the problem.
    public static func read(from url: URL) throws(ToonIOError) -> StudentModel {
        func bad(_ why: String) -> ToonIOError { ToonIOError(url: url, .checkpoint(.unsupported(why))) }
        let file = try SafeTensorsFile(url: url)
        guard file.metadata[kindKey] == kind else { throw bad("not a stylizer student (toon distill writes them)") }
        guard let json = file.config, let config = try? JSONDecoder().decode(StudentConfig.self, from: Data(json.utf8)) else {
            throw bad("its \(SafeTensors.configKey) metadata is not a student config")
        }
        if let problem = config.problem { throw bad("student config: \(problem)") }
        let parameters = ParameterStore(try file.tensors().sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        do { return try StudentModel(config: config, parameters: parameters) } catch { throw bad(error.description) }
    }
}
