import Foundation
import Testing
import ToonTestSupport

/// A small tmpfs, nearly full: where this machine lets the tests mount one (root, or a container
/// with CAP_SYS_ADMIN). Elsewhere the suite is skipped with the reason.
enum SmallDisk {
    static let canMount: Bool = {
        guard let folder = try? mount() else { return false }
        unmount(folder)
        return true
    }()

    /// Mounts a 1 MB tmpfs on a fresh folder and fills it to `free` bytes.
    static func mount(free: Int = 16_384) throws -> URL {
        let folder = Toon.temporaryFolder()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = ["-t", "tmpfs", "-o", "size=1m", "tmpfs", folder.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(at: folder)
            throw CocoaError(.fileWriteNoPermission)
        }
        try Data(count: 1024 * 1024 - free).write(to: folder.appendingPathComponent("filler"))
        return folder
    }

    static func unmount(_ folder: URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = [folder.path]
        try? process.run()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}

@Suite("toon on a full disk: exit 1, one line, no output and no temporary file",
       .enabled(if: SharedFixtures.available && Toon.available, SharedFixtures.skipReason),
       .enabled(if: SmallDisk.canMount, "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN); disk-full tests skipped"))
struct DiskFullCommandTests {
    let network = Toon.fixture("nvlabs/nv_ada_64.pkl")

    @Test("MP4, GIF and PNG outputs on a full disk", arguments: ["mp4", "gif", "png", "edit"])
    func fullDisk(format: String) throws {
        if format == "mp4" && FFmpegProbe.missing { return }
        let disk = try SmallDisk.mount()
        defer { SmallDisk.unmount(disk) }
        let arguments: [String] = format == "edit"
            ? ["edit", "--network", network, "--seeds", "0-9", "--direction", "sefa:0", "--grid", "--outdir", disk.appendingPathComponent("e").path]
            : format == "png"
            ? ["generate", "--network", network, "--seeds", "0-9", "--outdir", disk.appendingPathComponent("g").path]
            : ["interpolate", "--network", network, "--seeds", "0-3", "--frames", "40", "--out", disk.appendingPathComponent("w.\(format)").path]
        let result = try Toon.run(arguments)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("toon: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(result.stderr.lowercased().contains("space"), "\(result.stderr)")
        let left = (FileManager.default.enumerator(atPath: disk.path)?.allObjects as? [String]) ?? []
        #expect(!left.contains { $0.contains(".partial") || $0.hasSuffix(".mp4") || $0.hasSuffix(".gif") }, "\(left)")
        // Whatever PNGs were finished before the disk filled are whole.
        for name in left where name.hasSuffix(".png") {
            let bytes = try Data(contentsOf: disk.appendingPathComponent(name))
            #expect(Array(bytes.suffix(8).prefix(4)) == Array("IEND".utf8), "\(name) does not end with IEND")
        }
    }
}
