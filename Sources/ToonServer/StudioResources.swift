#if Studio
import Foundation

/// The page's files (Resources/): found beside the executable in SwiftPM's resource folder, or in
/// this source tree (not `Bundle.module`, which stops the process when its folder is missing).
enum StudioResources {
    /// The files served, by the fixed names the routes use, with their media types.
    static let files: [String: String] = [
        "index.html": "text/html; charset=utf-8",
        "studio.js": "text/javascript; charset=utf-8",
        "studio.css": "text/css; charset=utf-8",
        "openapi.json": "application/json; charset=utf-8",
    ]

    /// The bytes of resource `name` (one of `files`), or nil when not installed.
    static func data(_ name: String) -> Data? {
        guard files[name] != nil else { return nil }
        return candidates(name).lazy.compactMap { try? Data(contentsOf: $0) }.first
    }

    private static func candidates(_ name: String) -> [URL] {
        var folders = [URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()]
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.insert(URL(fileURLWithPath: path).deletingLastPathComponent(), at: 0)
        }
        #endif
        let bundles = folders.flatMap { folder in
            ["ToonKit_ToonServer.resources", "ToonKit_ToonServer.bundle/Contents/Resources", "ToonKit_ToonServer.bundle"]
                .map { folder.appendingPathComponent($0).appendingPathComponent("Resources").appendingPathComponent(name) }
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources").appendingPathComponent(name)
        return bundles + [source]
    }
}
#endif
