import Foundation
import Testing
@testable import StyleGAN
import ToonTestSupport

/// The loader opens only regular files: a FIFO with no writer would block an open for reading
/// forever, so returning at all is part of the test.
@Suite("GeneratorLoader refuses what is not a regular file", .computeFromEnvironment)
struct GeneratorLoaderSpecialFileTests {
    @Test("a FIFO, a folder and a device are refused without being read", arguments: ["fifo", "folder", "/dev/zero"])
    func refused(kind: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url: URL = switch kind {
        case "fifo": folder.appendingPathComponent("fifo")
        case "folder": folder
        default: URL(fileURLWithPath: kind)
        }
        if kind == "fifo" { #expect(mkfifo(url.path, 0o600) == 0) }
        #expect { _ = try GeneratorLoader.load(url) } throws: { error in
            "\(error)".contains("not a regular file")
        }
    }
}
