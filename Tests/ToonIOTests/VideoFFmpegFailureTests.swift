import Foundation
import Testing
@testable import ToonIO
import ToonTestSupport

/// The MP4 check reads only box headers; these byte layouts pin down what counts as complete.
@Suite("MP4 top-level boxes", .computeFromEnvironment)
struct MP4BoxTests {
    private func box(_ type: String, _ payload: Int, size: UInt32? = nil) -> [UInt8] {
        let total = size ?? UInt32(8 + payload)
        return [UInt8(total >> 24), UInt8(total >> 16 & 255), UInt8(total >> 8 & 255), UInt8(total & 255)]
            + Array(type.utf8) + [UInt8](repeating: 0, count: payload)
    }

    private func problem(_ bytes: [UInt8]) -> String? {
        MP4Boxes.problem(size: UInt64(bytes.count)) { offset, count in
            offset + UInt64(count) <= UInt64(bytes.count) ? Array(bytes[Int(offset)..<(Int(offset) + count)]) : nil
        }
    }

    @Test("ftyp, moov and mdat whose sizes add up to the file are complete")
    func complete() {
        #expect(problem(box("ftyp", 8) + box("moov", 20) + box("mdat", 100)) == nil)
        #expect(problem(box("ftyp", 8) + box("mdat", 100) + box("free", 0) + box("moov", 20)) == nil)
    }

    @Test("a 64-bit box size and a last box running to the end are understood")
    func sizeForms() {
        let large: [UInt8] = [0, 0, 0, 1] + Array("mdat".utf8) + [0, 0, 0, 0, 0, 0, 0, 24] + [UInt8](repeating: 0, count: 8)
        #expect(problem(box("ftyp", 8) + box("moov", 4) + large) == nil)
        #expect(problem(box("ftyp", 8) + box("moov", 4) + box("mdat", 30, size: 0)) == nil)
    }

    @Test("a file cut off, without moov, with stray bytes, or not starting with ftyp is refused",
          arguments: ["cut", "nomoov", "stray", "noftyp", "tiny", "empty"])
    func incomplete(kind: String) {
        let ftyp = box("ftyp", 8), moov = box("moov", 20), mdat = box("mdat", 100)
        let bytes: [UInt8] = switch kind {
        case "cut": Array((ftyp + mdat + moov).dropLast(5))
        case "nomoov": ftyp + mdat
        case "stray": ftyp + mdat + moov + [1, 2, 3]
        case "noftyp": mdat + moov
        case "tiny": ftyp + mdat + moov.prefix(7) + [0]   // a box shorter than its own header
        default: []
        }
        #expect(problem(bytes) != nil, "\(kind)")
    }
}

/// A stand-in for ffmpeg, a shell script, to make it fail in ways the real one does rarely: exit 0
/// after a failed trailer, stop reading, or hang at the end.
@Suite("ffmpeg failures never leave a video behind", .computeFromEnvironment, .enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/sh")))
final class VideoFFmpegFailureTests {
    let folder = videoTestFolder()
    deinit { try? FileManager.default.removeItem(at: folder) }

    /// A script that is handed ffmpeg's arguments; `$out` is the file it should write.
    private func fakeFFmpeg(_ body: String) throws -> URL {
        let script = folder.appendingPathComponent("fake-ffmpeg-\(UUID().uuidString)")
        try Data("#!/bin/sh\nfor a; do out=$a; done\n\(body)\n".utf8).write(to: script)
        chmod(script.path, 0o755)
        return script
    }

    private func outputs() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("fake-ffmpeg") }
    }

    private func write(_ frames: Int, size: Int = 32, with script: URL, stall: Double = 60) throws(ToonIOError) {
        let writer = try FFmpegVideoWriter(url: folder.appendingPathComponent("v.mp4"), width: size, height: size, fps: 10,
                                           executable: script, stallTimeout: stall)
        do {
            for i in 0..<frames { try writer.append(VideoTestFrames.movingSquare(width: size, height: size, frame: i)) }
            try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
    }

    @Test("exit 0 after 'Error writing trailer: No space left on device' is a failure")
    func trailerError() throws {
        let script = try fakeFFmpeg("""
            cat > /dev/null
            printf '\\0\\0\\0\\20ftypisom\\0\\0\\0\\0' > "$out"
            echo "[out#0/mp4] Error writing trailer: No space left on device" >&2
            exit 0
            """)
        #expect { try self.write(3, with: script) } throws: { error in
            guard case .incompleteOutput(let line) = (error as? ToonIOError)?.videoProblem else { return false }
            return line.contains("No space left")
        }
        #expect(try outputs().isEmpty)
    }

    @Test("exit 0 and a quiet stderr, but a file without moov, is a failure")
    func missingMoov() throws {
        let script = try fakeFFmpeg("""
            cat > /dev/null
            printf '\\0\\0\\0\\20ftypisom\\0\\0\\0\\0\\0\\0\\0\\10mdat' > "$out"
            exit 0
            """)
        #expect { try self.write(3, with: script) } throws: { error in
            guard case .incompleteOutput(let why) = (error as? ToonIOError)?.videoProblem else { return false }
            return why.contains("moov")
        }
        #expect(try outputs().isEmpty)
    }

    @Test("an ffmpeg that stops reading is killed by the watchdog, and nothing is left")
    func stopsReading() throws {
        // Frames far larger than a socket buffer, so `append` blocks on the stuck child.
        let script = try fakeFFmpeg("exec sleep 1000")
        #expect(throws: ToonIOError(url: folder.appendingPathComponent("v.mp4"), .video(.ffmpegStalled(seconds: 1)))) {
            try self.write(20, size: 512, with: script, stall: 1)
        }
        #expect(try outputs().isEmpty)
        #expect(!ChildList.mentions(script.path))
    }

    @Test("an ffmpeg that hangs after its input ended is killed by the watchdog")
    func hangsAtEnd() throws {
        let script = try fakeFFmpeg("cat > /dev/null\nexec sleep 1000")
        #expect(throws: ToonIOError(url: folder.appendingPathComponent("v.mp4"), .video(.ffmpegStalled(seconds: 1)))) {
            try self.write(3, with: script, stall: 1)
        }
        #expect(try outputs().isEmpty)
        #expect(!ChildList.mentions(script.path))
    }

    @Test("an ffmpeg that fails at once is reported with its own message")
    func failsEarly() throws {
        let script = try fakeFFmpeg("echo \"Unknown encoder 'libx264'\" >&2\nexit 1")
        #expect { try self.write(200, size: 256, with: script) } throws: { error in
            guard case .ffmpegFailed(_, let line) = (error as? ToonIOError)?.videoProblem else { return false }
            return line == "Unknown encoder 'libx264'"
        }
        #expect(try outputs().isEmpty)
    }
}

/// Whether a live process's command line mentions `text`.
enum ChildList {
    static func mentions(_ text: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).contains { pid in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(text)
        }
    }
}
