import Foundation
import ToonCore

/// A StyleGAN checkpoint from another code base, decoded into one neutral value: tensors under the
/// file's own names and in the file's own layouts, the stored configuration, and everything else
/// the file holds. Mapping names to ToonKit's modules is the job of a per-format table elsewhere.
public struct ForeignCheckpoint: Sendable {
    public enum Format: String, Sendable {
        /// NVLabs TF1 StyleGAN2 `.pkl`: (G, D, Gs) of `dnnlib.tflib.network.Network`.
        case tfStyleGAN2
        /// NVlabs/stylegan (v1) TF1 `.pkl`: the same Network objects, with a `G_style` generator.
        case tfStyleGAN1
        /// NVLabs stylegan2-ada-pytorch / stylegan3 snapshot `.pkl` with a StyleGAN2 generator.
        case nvlabsPyTorch
        /// NVLabs stylegan3 snapshot `.pkl` with a StyleGAN3 (T or R) generator.
        case stylegan3
        /// rosinality/stylegan2-pytorch `.pt` (torch.save) with `g_ema` and `latent_avg`.
        case rosinality
    }

    /// The file read.
    public let source: String
    public let format: Format
    /// Key of the generator to use: `Gs` (TF), `G_ema` (NVLabs), `g_ema` (rosinality).
    public let generatorName: String
    /// Every network in the file, by the file's key (TF: G, D, Gs; NVLabs: G, D, G_ema; rosinality: g_ema, g, d).
    public let networks: [String: TensorSet]
    /// The keys of `networks` in file order.
    public let networkNames: [String]
    /// Stored configuration per network (TF static_kwargs, NVLabs init_kwargs; rosinality: inferred).
    public let configs: [String: PickleValue]
    /// Top-level tensors that belong to no network (rosinality `latent_avg`).
    public let tensors: [String: Tensor]
    /// Every other top-level entry, as plain values (e.g. `training_set_kwargs`, `args`, `ada_aug_p`).
    public let values: [String: PickleValue]
    /// How many tensors point into the mapped file and how many were converted or copied.
    public let counts: TensorLoadCounts

    /// The generator's tensors.
    public var generator: TensorSet { networks[generatorName] ?? TensorSet() }
    /// The generator's stored configuration, a dict.
    public var config: PickleValue { configs[generatorName] ?? .dict([]) }

    /// Reads the checkpoint at `url`, telling the format from its content. Nothing in the file is run.
    public static func load(from url: URL) throws(ToonIOError) -> ForeignCheckpoint {
        let bytes = try FileBytes.map(url)
        return try decode(bytes.all, source: url.path)
    }

    /// Decodes checkpoint bytes (a whole file) that `source` names in errors.
    public static func decode(_ bytes: ByteSlice, source: String,
                              machine: PickleMachine = PickleMachine()) throws(ToonIOError) -> ForeignCheckpoint {
        guard !bytes.isEmpty else { throw ToonIOError(file: source, .checkpoint(.notStyleGAN("empty file"))) }
        if ZipArchive.looksLikeZip(bytes) {
            let zip = try TorchZipFile(bytes, source: source, machine: machine)
            let reader = TorchTensorReader(source: source, machine: machine) { (pid: PickleValue) throws(ToonIOError) -> TorchStorage in
                try zip.storage(forPersistentID: pid)
            }
            return try RosinalityDecoder.decode(zip.root, reader: reader, fileSize: bytes.count)
        }
        if TorchLegacyStream.looksLikeLegacy(bytes) {
            let stream = try TorchLegacyStream(bytes, source: source, machine: machine)
            let reader = TorchTensorReader(source: source, machine: machine) { (pid: PickleValue) throws(ToonIOError) -> TorchStorage in
                try stream.storage(forPersistentID: pid)
            }
            return try RosinalityDecoder.decode(stream.root, reader: reader, fileSize: bytes.count)
        }
        // Protocol 2+ pickles open with PROTO; older ones with an ASCII opcode.
        guard bytes[0] == PickleOpcode.proto.rawValue || (bytes[0] < 0x80 && PickleOpcode(rawValue: bytes[0]) != nil) else {
            let head = (0..<min(4, bytes.count)).map { String(bytes[$0], radix: 16) }.joined(separator: " ")
            throw ToonIOError(file: source, .checkpoint(.notStyleGAN("neither a zip file nor a pickle (starts with \(head))")))
        }
        let root = try machine.run(bytes, source: source).value
        if TFStyleGAN2Decoder.matches(root) {
            return try TFStyleGAN2Decoder.decode(root, source: source, fileSize: bytes.count)
        }
        if NVLabsDecoder.matches(root) {
            return try NVLabsDecoder.decode(root, reader: TorchTensorReader(source: source, machine: machine), fileSize: bytes.count)
        }
        throw ToonIOError(file: source, .checkpoint(.notStyleGAN("a pickle of \(describe(root)), not TF (G, D, Gs) networks or an NVLabs snapshot")))
    }

    /// A short account of a value for "not a StyleGAN checkpoint" messages.
    static func describe(_ value: PickleValue) -> String {
        if let pairs = value.dictPairs, value.object(of: TFStyleGAN2Decoder.network) == nil {
            let keys = pairs.prefix(8).map { $0.0.string ?? $0.0.kindName }
            return "a \(value.kindName) with keys \(keys.joined(separator: ", "))\(pairs.count > 8 ? ", ..." : "")"
        }
        return "a \(value.kindName)"
    }

    init(source: String, format: Format, generatorName: String, networks: [(String, TensorSet)],
         configs: [String: PickleValue], tensors: [String: Tensor], values: [String: PickleValue], counts: TensorLoadCounts) {
        self.source = source
        self.format = format
        self.generatorName = generatorName
        self.networkNames = networks.map(\.0)
        self.networks = Dictionary(networks, uniquingKeysWith: { a, _ in a })
        self.configs = configs
        self.tensors = tensors
        self.values = values
        self.counts = counts
    }
}

/// Numbers in configs as plain values: numpy scalars become ints and floats, EasyDicts become dicts.
enum ConfigValues {
    static func plain(_ value: PickleValue, depth: Int = 0) -> PickleValue {
        guard depth < 32 else { return value }
        switch value {
        case .object(let object) where object.global == NumpyArrays.scalar:
            return NumpyArrays.plainNumber(value)
        case .object(let object) where object.global == PickleGlobal("dnnlib.util", "EasyDict")
            || object.global == PickleGlobal("collections", "OrderedDict"):
            return .dict(object.pairs.map { ($0.0, plain($0.1, depth: depth + 1)) })
        case .dict(let pairs): return .dict(pairs.map { ($0.0, plain($0.1, depth: depth + 1)) })
        case .list(let items): return .list(items.map { plain($0, depth: depth + 1) })
        case .tuple(let items): return .tuple(items.map { plain($0, depth: depth + 1) })
        default: return value
        }
    }
}

/// Caps the work a decoder does on a file whose structure shares parts many times over.
struct VisitBudget {
    var remaining: Int
    let source: String

    init(source: String, limit: Int = 1 << 20) {
        self.remaining = limit
        self.source = source
    }

    mutating func spend() throws(ToonIOError) {
        remaining -= 1
        guard remaining >= 0 else {
            throw ToonIOError(file: source, .checkpoint(.limitExceeded("more than a million tensors or modules", at: nil)))
        }
    }
}
