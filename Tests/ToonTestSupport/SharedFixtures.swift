import Foundation
import Testing

/// The reference fixtures made by the official StyleGAN code: `shared/fixtures` beside the
/// repository root (see its README). Tests that need them are skipped where the folder is absent.
public enum SharedFixtures {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ToonTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures")

    public static let available = FileManager.default.fileExists(atPath: root.appendingPathComponent("README.md").path)
    public static let skipReason: Comment = "shared/fixtures is not beside the repository root; fixture tests skipped"

    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
}
