import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport
@testable import StyleGAN

/// Damaged and hostile StyleGAN (v1) pickles: each is refused with one line that names the file and
/// the reason, never a crash. Variants are the b16 fixture with bytes swapped for same-length ones,
/// so the pickle stays well formed and only its meaning changes.
@Suite("StyleGAN (v1) hostile pickles")
struct StyleGAN1HostileTests {
    static let fixture = StyleGAN1FixtureTests.folder.appendingPathComponent("b16.pkl")

    /// b16.pkl with every occurrence of `from` replaced by `to` (same length), written to a temporary file.
    static func variant(_ from: [UInt8], _ to: [UInt8]) throws -> URL {
        precondition(from.count == to.count)
        var bytes = [UInt8](try Data(contentsOf: fixture))
        var replaced = 0, i = 0
        while i + from.count <= bytes.count {
            if Array(bytes[i..<(i + from.count)]) == from {
                bytes.replaceSubrange(i..<(i + from.count), with: to)
                replaced += 1
                i += from.count
            } else {
                i += 1
            }
        }
        precondition(replaced > 0, "\(from) not in the fixture")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sg1-hostile-\(UUID().uuidString).pkl")
        try Data(bytes).write(to: url)
        return url
    }

    static func variant(_ from: String, _ to: String) throws -> URL { try variant(Array(from.utf8), Array(to.utf8)) }

    /// Loads `url`, expecting one line that names the file and contains `phrase`.
    static func expectRefused(_ url: URL, _ phrase: String, sourceLocation: SourceLocation = #_sourceLocation) {
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try GeneratorLoader.load(url)
            Issue.record("loaded", sourceLocation: sourceLocation)
        } catch {
            let line = "\(error)"
            #expect(!line.contains("\n") && line.contains(url.path) && line.contains(phrase), "\(line)", sourceLocation: sourceLocation)
        }
    }

    @Test("cut short anywhere: an error naming the file, in one line")
    func truncated() throws {
        let bytes = try Data(contentsOf: Self.fixture)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sg1-cut-\(UUID().uuidString).pkl")
        defer { try? FileManager.default.removeItem(at: url) }
        for cut in CheckpointCuts.cuts(bytes.count) {
            try bytes.prefix(cut).write(to: url)
            do {
                _ = try GeneratorLoader.load(url)
                Issue.record("cut at \(cut) loaded")
            } catch {
                let line = "\(error)"
                #expect(!line.contains("\n") && line.contains(url.path), "cut at \(cut): \(line)")
            }
        }
    }

    @Test("another TF generator, a component built by another function, a class outside the allow-list")
    func foreignBuilders() throws {
        Self.expectRefused(try Self.variant("G_style", "G_paper"), "Progressive GAN")
        Self.expectRefused(try Self.variant("G_synthesis", "G_synthesiz"), "synthesis network built by 'G_synthesiz'")
        Self.expectRefused(try Self.variant("dnnlib.tflib.network", "dnnlib.tflib.networx"), "refused global dnnlib.tflib.networx.Network")
    }

    @Test("settings ToonKit does not build, and unknown ones, are named")
    func unsupportedSettings() throws {
        Self.expectRefused(try Self.variant("fused_scale", "fused_scalx"), "setting 'fused_scalx'")
        Self.expectRefused(try Self.variant("relu", "tanh"), "'tanh'")
        // use_pixel_norm's True (0x88 after its name's memo) cannot be flipped by a same-length swap;
        // its key can: an unknown setting is refused rather than ignored.
        Self.expectRefused(try Self.variant("use_pixel_norm", "use_pixel_norx"), "use_pixel_norx")
    }

    @Test("a lod outside 0...levels and a missing noise input are refused")
    func badValues() throws {
        // float32 0.6 (both lod variables) -> 7.0, above the 16 px network's 2 levels.
        Self.expectRefused(try Self.variant([0x9A, 0x99, 0x19, 0x3F], [0x00, 0x00, 0xE0, 0x40]), "lod 7.0 is outside 0...2")
        Self.expectRefused(try Self.variant("noise3", "noisf3"), "synthesis/noise3")
    }
}

/// Where to cut a file: every byte of the first 64, evenly spread cuts, the last few bytes.
enum CheckpointCuts {
    static func cuts(_ count: Int, spread: Int = 64) -> [Int] {
        var cuts = Set(0..<min(64, count))
        for i in 0..<spread { cuts.insert(64 + (count - 64) * i / spread) }
        for i in 1...8 where count - i >= 0 { cuts.insert(count - i) }
        return cuts.sorted()
    }
}
