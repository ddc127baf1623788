import Foundation

/// The `toon` executable built beside the test bundle (or in .build/debug when the tests run from
/// elsewhere), for the tests that run the command end to end.
public enum ToonExecutable {
    public static let url: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("toon")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/toon")
    }()

    /// Whether it has been built.
    public static let available = FileManager.default.isExecutableFile(atPath: url.path)
}
