import Foundation
import ToonIO

/// Test videos made by the ffmpeg program, and ffprobe's view of files under test: the tools are
/// the reference, run apart from the code being tested.
public enum TestVideos {
    /// Whether ffmpeg and ffprobe are on PATH.
    public static let installed: Bool = ["ffmpeg", "ffprobe"].allSatisfy { ProgramSearch.locate($0) != nil }

    /// Why a video suite is skipped.
    public static let missing = "ffmpeg/ffprobe not on PATH; install them (Debian: apt-get install ffmpeg) to run these tests"

    /// Runs `tool` with `arguments`; its stdout, or an error with its stderr when it fails.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool, "-v", "error"] + arguments
        let output = Pipe()
        // stderr to a file, so only one pipe needs draining while the tool runs.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-tool-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errors = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errors.close()
        let errData = (try? Data(contentsOf: errorFile)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw TestVideoFailure(message: "\(tool) \(arguments.joined(separator: " ")): \(String(decoding: errData, as: UTF8.self))")
        }
        return outData
    }

    /// A `width` x `height` lavfi testsrc clip of `seconds` at `rate`, with a 440 Hz sine track
    /// unless `audio` is nil; `codec` arguments pick the video encoding.
    public static func testsrc(_ url: URL, width: Int, height: Int, rate: String = "25", seconds: Double = 1,
                               audio: [String]? = ["-c:a", "aac"], codec: [String] = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast"],
                               extra: [String] = []) throws {
        var arguments = ["-y", "-f", "lavfi", "-i", "testsrc=size=\(width)x\(height):rate=\(rate):duration=\(seconds)"]
        if audio != nil { arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(seconds)"] }
        arguments += codec + (audio ?? ["-an"]) + extra + [url.path]
        try run("ffmpeg", arguments)
    }

    /// ffprobe's streams (codec_type, codec_name, width, height, r_frame_rate, duration, nb_read_frames
    /// counted by decoding) of `url`.
    public static func streams(_ url: URL) throws -> [[String: Any]] {
        let data = try run("ffprobe", ["-count_frames", "-show_entries",
                                       "stream=codec_type,codec_name,width,height,pix_fmt,r_frame_rate,duration,nb_read_frames",
                                       "-of", "json", url.path])
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return json?["streams"] as? [[String: Any]] ?? []
    }

    /// The duration ffprobe gives for the container.
    public static func duration(_ url: URL) throws -> Double {
        let data = try run("ffprobe", ["-show_entries", "format=duration", "-of", "csv=p=0", url.path])
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
    }

    /// MD5 of the audio streams' packet bytes, copied out without decoding: equal for a stream
    /// copied unchanged, whatever the container around it.
    public static func audioPacketsMD5(_ url: URL) throws -> String {
        String(decoding: try run("ffmpeg", ["-nostdin", "-i", url.path, "-map", "0:a", "-c", "copy", "-f", "hash", "-hash", "md5", "pipe:1"]),
               as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every frame of `url` decoded by ffmpeg itself to RGB24 bytes, concatenated.
    public static func rawFrames(_ url: URL, filter: String? = nil) throws -> Data {
        try run("ffmpeg", ["-nostdin", "-i", url.path, "-map", "0:v:0", "-fps_mode", "passthrough"]
                + (filter.map { ["-vf", $0] } ?? []) + ["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
    }
}

/// A test tool that failed, with its message.
public struct TestVideoFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
