#if Studio
import BuiltInModels
import Foundation
import StyleGAN
import Stylizer
import ToonIO

/// One entry of the style gallery: a model (or a toonify pair) and what it can do.
public struct Style: Sendable, Codable, Equatable {
    /// What a style can be used for.
    public enum Capability: String, Sendable, Codable {
        /// Images from seeds; a toonify pair (base and styled); a stylizer student.
        case generate, toonify, student
    }

    /// Stable identifier used by the API (never a path).
    public let id: String
    /// Name shown on the page.
    public let name: String
    /// What it can do.
    public let capabilities: [Capability]
    /// Whether it ships with ToonKit.
    public let builtIn: Bool
    /// Where its weights are: a generator, a student, or the styled model of a pair. Not sent to clients.
    let file: URL
    /// For a toonify pair: the base (photo) generator's file.
    let baseFile: URL?

    enum CodingKeys: String, CodingKey { case id, name, capabilities, builtIn }

    init(id: String, name: String, capabilities: [Capability], builtIn: Bool, file: URL, baseFile: URL? = nil) {
        (self.id, self.name, self.capabilities, self.builtIn, self.file, self.baseFile) = (id, name, capabilities, builtIn, file, baseFile)
    }

    /// A style as a client sees it (no files).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        capabilities = try c.decode([Capability].self, forKey: .capabilities)
        builtIn = try c.decode(Bool.self, forKey: .builtIn)
        file = URL(fileURLWithPath: "/dev/null")
        baseFile = nil
    }

    /// Whether the style can do `capability`.
    public func can(_ capability: Capability) -> Bool { capabilities.contains(capability) }
}

/// The styles the server offers: the built-in models and every model in --models, found at start.
/// Requests name styles by id; only files listed here are ever opened.
public struct StyleCatalog: Sendable {
    /// The styles, built-in first, then --models' in name order.
    public let styles: [Style]
    /// Files in --models that were skipped, with why.
    public let skipped: [String]

    /// The style with `id`, or nil.
    public func style(_ id: String) -> Style? { styles.first { $0.id == id } }

    /// Reads the built-in models and `directory` (not recursively). A generator `B-S.safetensors` whose
    /// base `B.safetensors` is also there is a toonify pair (as the built-in shaded64 / shaded64-anime).
    public static func load(modelsDirectory directory: URL?) -> StyleCatalog {
        var styles: [Style] = []
        var skipped: [String] = []
        for model in BuiltInModel.allCases {
            guard let url = model.url else { continue }
            let pair = model == BuiltInModel.toonifyPair.styled ? BuiltInModel.toonifyPair.base.url : nil
            styles.append(Style(id: model.rawValue, name: model.rawValue, capabilities: pair == nil ? [.generate] : [.generate, .toonify],
                                builtIn: true, file: url, baseFile: pair))
        }
        if let url = BuiltInStudent.url {
            styles.append(Style(id: "student", name: "student (anime)", capabilities: [.student], builtIn: true, file: url))
        }
        guard let directory else { return StyleCatalog(styles: styles, skipped: skipped) }
        let files = ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.isRegularFileKey])) ?? [])
            .filter { ["safetensors", "pkl", "pt", "pth"].contains($0.pathExtension.lowercased()) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var generators: [String: URL] = [:]
        var students: [String: URL] = [:]
        for file in files {
            let stem = file.deletingPathExtension().lastPathComponent
            if (try? StudentModel.read(from: file)) != nil {
                students[stem] = file
            } else if (try? GeneratorLoader.load(file)) != nil {
                generators[stem] = file
            } else {
                skipped.append("\(file.lastPathComponent): neither a generator nor a student")
            }
        }
        let taken = Set(styles.map(\.id))
        for stem in generators.keys.sorted() {
            let base = generators.keys.filter { stem.hasPrefix($0 + "-") }.max { $0.count < $1.count }
            styles.append(Style(id: uniqueID(stem, taken: taken), name: stem, capabilities: base == nil ? [.generate] : [.generate, .toonify],
                                builtIn: false, file: generators[stem]!, baseFile: base.flatMap { generators[$0] }))
        }
        for stem in students.keys.sorted() {
            styles.append(Style(id: uniqueID(stem, taken: taken), name: stem, capabilities: [.student], builtIn: false, file: students[stem]!))
        }
        return StyleCatalog(styles: styles, skipped: skipped)
    }

    /// An id of URL-safe characters that no built-in style has.
    private static func uniqueID(_ stem: String, taken: Set<String>) -> String {
        let safe = String(stem.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return taken.contains(safe) ? "models-" + safe : safe
    }
}
#endif
