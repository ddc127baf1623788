import Foundation
import ToonCore
import ToonIO
import ToonNN

/// ToonKit's own generator file: safetensors with NVLabs parameter names and the architecture as
/// JSON under the `toonkit.config` metadata key. Tensors stay memory-mapped after loading.
/// StyleGAN3 generators are marked "toonkit-stylegan3" and StyleGAN (v1) ones "toonkit-stylegan1", so
/// a reader that predates them refuses the file instead of building a StyleGAN2 from it.
public enum ToonKitFormat {
    /// The JSON stored beside the weights.
    struct Header: Codable {
        var format = "toonkit-stylegan2"
        var version = 1
        var generator: GeneratorConfig
        /// Where the weights came from (for `toon info`), e.g. "NVLabs stylegan2-ada-pytorch pickle".
        var source: String?
        /// Set in training snapshots: the generator's tensors are named with this prefix ("G_ema.").
        var tensorPrefix: String?
    }

    /// The header JSON for `config`, for writers that store more than a generator (training snapshots).
    public static func headerJSON(_ config: GeneratorConfig, source: String?, tensorPrefix: String? = nil) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var header = Header(generator: config, source: source, tensorPrefix: tensorPrefix)
        header.format = formatName(config)
        return String(decoding: try! encoder.encode(header), as: UTF8.self)
    }

    /// The header's format name for a generator of `config`'s generation.
    static func formatName(_ config: GeneratorConfig) -> String {
        if config.isStyleGAN1 { return "toonkit-stylegan1" }
        return config.isStyleGAN3 ? "toonkit-stylegan3" : "toonkit-stylegan2"
    }

    public static func write(_ generator: Generator, source: String?, to url: URL) throws(StyleGANError) {
        let json = headerJSON(generator.config, source: source)
        let tensors = Dictionary(uniqueKeysWithValues: generator.parameters.pairs.map { ($0.name, $0.tensor) })
        do {
            try SafeTensors.write(tensors, metadata: [SafeTensors.configKey: json], to: url)
        } catch {
            throw StyleGANError(error)
        }
    }

    static func read(_ file: SafeTensorsFile) throws(StyleGANError) -> (Generator, source: String?) {
        let url = file.url
        guard let text = file.config else {
            throw StyleGANError(url: url, .checkpoint("a safetensors file without a ToonKit config (key \(SafeTensors.configKey))"))
        }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(text.utf8)) } catch {
            throw StyleGANError(url: url, .checkpoint("unreadable ToonKit config: \(error)"))
        }
        guard header.format == formatName(header.generator) else {
            throw StyleGANError(url: url, .checkpoint("holds a '\(header.format)' model, not a \(header.generator.generation) generator"))
        }
        guard header.version == 1 else {
            throw StyleGANError(url: url, .checkpoint("ToonKit format version \(header.version) is newer than this toon (1)"))
        }
        do {
            try header.generator.validate()
            var store = ParameterStore()
            let prefix = header.tensorPrefix ?? ""
            for entry in Generator.spec(header.generator).entries {
                let stored = prefix + entry.name
                guard file.entry(stored) != nil else { throw StyleGANError(url: url, .checkpoint("missing tensor \(stored)")) }
                store.insert(try file.tensor(stored), named: entry.name)
            }
            return (try Generator(config: header.generator, parameters: store), header.source)
        } catch let error as StyleGANError {
            throw error.naming(url)
        } catch let error as ToonIOError {
            throw StyleGANError(error)  // names the file already
        } catch {
            throw StyleGANError(url: url, .checkpoint(SystemErrorText.reason(error)))
        }
    }
}

