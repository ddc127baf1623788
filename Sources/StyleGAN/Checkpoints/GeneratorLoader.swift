import Foundation
import ToonCore
import ToonIO
import ToonNN

/// A generator read from a file, with what the file was.
public struct LoadedGenerator: Sendable {
    public enum Format: String, Sendable {
        case toonkit = "ToonKit (safetensors)"
        case tensorFlow = "NVLabs StyleGAN2 TensorFlow pickle"
        case tensorFlowStyleGAN1 = "NVlabs StyleGAN (v1) TensorFlow pickle"
        case nvlabs = "NVLabs stylegan2-ada-pytorch pickle"
        case stylegan3 = "NVLabs stylegan3 pickle"
        case rosinality = "rosinality stylegan2-pytorch checkpoint"
    }

    public let generator: Generator
    public let format: Format
    /// For ToonKit files: the format the weights were converted from, if recorded.
    public let convertedFrom: String?
}

/// Reads a generator from any supported checkpoint, telling the format from the content (not the
/// file name). Nothing in the file is executed: pickles go through an allow-listed reader.
public enum GeneratorLoader {
    public static func load(_ url: URL) throws(StyleGANError) -> LoadedGenerator {
        try requireRegularFile(url)
        if looksLikeSafeTensors(url) {
            let file: SafeTensorsFile
            do { file = try SafeTensorsFile(url: url) } catch { throw StyleGANError(error) }
            let (generator, source) = try ToonKitFormat.read(file)
            return LoadedGenerator(generator: generator, format: .toonkit, convertedFrom: source)
        }
        try requireKnownMagic(url)
        let checkpoint: ForeignCheckpoint
        do { checkpoint = try ForeignCheckpoint.load(from: url) } catch { throw StyleGANError(error) }
        return try convert(checkpoint, url: url)
    }

    /// Another network of a checkpoint built like its generator: TF pickles' training G beside Gs,
    /// which training resumes from (Gs being G's moving average).
    public static func load(_ checkpoint: ForeignCheckpoint, network: String, url: URL) throws(StyleGANError) -> LoadedGenerator {
        guard checkpoint.networks[network] != nil else { throw StyleGANError(url: url, .checkpoint("no network \(network)")) }
        return try convert(checkpoint, url: url, network: network)
    }

    static func convert(_ checkpoint: ForeignCheckpoint, url: URL, network: String? = nil) throws(StyleGANError) -> LoadedGenerator {
        let tensors = network.flatMap { checkpoint.networks[$0] } ?? checkpoint.generator
        let format: LoadedGenerator.Format
        let config: GeneratorConfig
        let source: (String) -> ForeignSource?
        do {
            switch checkpoint.format {
            case .nvlabsPyTorch:
                format = .nvlabs
                config = try ForeignConfig.nvlabs(checkpoint.config)
                source = { ForeignSource($0) }
            case .tfStyleGAN2:
                format = .tensorFlow
                config = try ForeignConfig.tensorFlow(checkpoint.config)
                source = ForeignNames.tensorFlow
            case .tfStyleGAN1:
                format = .tensorFlowStyleGAN1
                let v1 = try ForeignConfig.styleGAN1(checkpoint.config)
                config = v1
                source = { ForeignNames.styleGAN1($0, resolution: v1.imageResolution) }
            case .rosinality:
                format = .rosinality
                config = try ForeignConfig.rosinality(checkpoint.config, latentAverage: checkpoint.tensors["latent_avg"] != nil)
                source = ForeignNames.rosinality
            case .stylegan3:
                format = .stylegan3
                config = try ForeignConfig.stylegan3(checkpoint.config)
                source = { ForeignSource($0) }
            }
            try config.validate()
        } catch {
            throw error.naming(url)
        }

        var store = ParameterStore()
        var missing: [String] = []
        for entry in Generator.spec(config).entries {
            guard let from = source(entry.name),
                  let raw = tensors[from.name] ?? checkpoint.tensors[from.name] else {
                missing.append(source(entry.name)?.name ?? entry.name)
                continue
            }
            let value = from.convert(raw)
            guard value.shape == entry.shape else {
                throw StyleGANError(url: url, .checkpoint("tensor \(from.name) has shape \(raw.shape), expected \(entry.shape) for \(entry.name)"))
            }
            store.insert(value, named: entry.name)
        }
        guard missing.isEmpty else {
            throw StyleGANError(url: url, .checkpoint("missing \(missing.count) generator tensor(s): \(missing.prefix(4).joined(separator: ", "))"))
        }
        if let aliasFree = config.aliasFree {
            if let problem = AliasFreeLayout(config, aliasFree).filterMismatch(stored: tensors) {
                throw StyleGANError(url: url, .checkpoint(problem))
            }
        }
        do {
            return LoadedGenerator(generator: try Generator(config: config, parameters: store), format: format, convertedFrom: nil)
        } catch {
            throw StyleGANError(url: url, .checkpoint(SystemErrorText.reason(error)))
        }
    }

    /// Only regular files are opened: opening a FIFO with no writer blocks forever, and a device
    /// or a folder is never a checkpoint. `stat` follows symlinks and opens nothing.
    private static func requireRegularFile(_ url: URL) throws(StyleGANError) {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw StyleGANError(url: url, .checkpoint("cannot read the file (\(SystemErrorText.lastError()))"))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw StyleGANError(url: url, .checkpoint("not a regular file (a FIFO, device or folder is never a checkpoint)"))
        }
    }

    /// Every shared StyleGAN checkpoint is a zip (torch.save) or a pickle of protocol 2 or later,
    /// which starts with the PROTO opcode; anything else is refused before any parsing.
    private static func requireKnownMagic(_ url: URL) throws(StyleGANError) {
        let head: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = try handle.read(upToCount: 4) ?? Data()
        } catch {
            throw StyleGANError(url: url, .checkpoint("cannot read the file (\(SystemErrorText.reason(error)))"))
        }
        if head.isEmpty { throw StyleGANError(url: url, .checkpoint("empty file")) }
        let isZip = head.starts(with: [0x50, 0x4B, 0x03, 0x04])
        let isPickle = head.count >= 2 && head[head.startIndex] == 0x80 && (2...5).contains(head[head.startIndex + 1])
        guard isZip || isPickle else {
            throw StyleGANError(url: url, .checkpoint("not a StyleGAN checkpoint (neither a pickle, a PyTorch zip nor a safetensors file)"))
        }
    }

    /// safetensors starts with an 8-byte little-endian header length, then '{'.
    private static func looksLikeSafeTensors(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url), let head = try? handle.read(upToCount: 9) else { return false }
        try? handle.close()
        guard head.count == 9, head[head.startIndex + 8] == UInt8(ascii: "{") else { return false }
        let length = head.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        return length > 1 && length < 1 << 40
    }
}
