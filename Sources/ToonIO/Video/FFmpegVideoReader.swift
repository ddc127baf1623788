import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a video's frames one at a time by piping ffmpeg's raw RGB24 output.
///
/// `ffprobe` first says what the file holds (`info`); then ffmpeg decodes the first video stream,
/// turns it upright by its rotation metadata (ffmpeg's autorotate) and writes every decoded frame
/// (`-fps_mode passthrough`: none dropped or repeated) to a socket. `next()` reads exactly one
/// frame, so memory is one frame's worth whatever the video's length; while ffmpeg is not writing,
/// a watchdog kills it after `stallTimeout` seconds without CPU time. ffmpeg dies with toon.
public final class FFmpegVideoReader {
    /// The video file.
    public let url: URL
    /// What ffprobe found: upright size, rotation, rate, frame count, audio.
    public let info: VideoInfo
    /// Frames delivered so far.
    public private(set) var framesRead = 0
    /// Seconds ffmpeg may go without CPU time while we wait for a frame.
    public let stallTimeout: Double

    private var child: ChildProcess?
    /// Our end of the socket that is ffmpeg's stdout; -1 once closed.
    private var output: Int32 = -1
    private let log: URL
    private var logRegistration: RunCleanup.Token?
    private var finished = false

    /// Probes `url` and starts decoding it. `executable` overrides the PATH search for ffmpeg;
    /// ffprobe is looked for beside it. Errors name the file: missing, not a video, no video stream.
    public init(url: URL, executable: URL? = nil, stallTimeout: Double = FFmpegVideoWriter.defaultStallTimeout) throws(ToonIOError) {
        self.url = url
        self.stallTimeout = stallTimeout
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw ToonIOError(url: url, .video(.io("cannot read the file (\(FileManager.default.fileExists(atPath: url.path) ? "permission denied" : "no such file"))")))
        }
        guard let ffmpeg = executable ?? FFmpegExecutable.locate(), FileManager.default.isExecutableFile(atPath: ffmpeg.path) else {
            throw ToonIOError(url: url, .video(.ffmpegMissing))
        }
        let ffprobe = ffmpeg.deletingLastPathComponent().appendingPathComponent("ffprobe")
        info = try Self.probe(url, ffprobe: FileManager.default.isExecutableFile(atPath: ffprobe.path) ? ffprobe : FFmpegExecutable.locate("ffprobe"),
                              stallTimeout: stallTimeout)
        log = FileManager.default.temporaryDirectory
            .appendingPathComponent("toonkit-ffmpeg-read-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log")
        try start(ffmpeg)
    }

    /// What ffprobe says about `url`, or one error naming the file. `ffprobe` overrides the PATH search.
    public static func probe(_ url: URL, ffprobe: URL? = nil,
                             stallTimeout: Double = FFmpegVideoWriter.defaultStallTimeout) throws(ToonIOError) -> VideoInfo {
        guard let ffprobe = ffprobe ?? FFmpegExecutable.locate("ffprobe") else { throw ToonIOError(url: url, .video(.ffmpegMissing)) }
        let run: CapturedRun
        do {
            run = try CapturedRun.run(ffprobe, ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", "--", url.path],
                                      stallTimeout: stallTimeout)
        } catch {
            throw ToonIOError(url: url, .video(.io("cannot start \(ffprobe.path): \(error.reason)")))
        }
        guard let status = run.status else { throw ToonIOError(url: url, .video(.ffmpegStalled(seconds: Int(stallTimeout)))) }
        guard status == 0 else {
            // ffprobe's last line names the file first ("x.mp4: Invalid data found ..."); keep the reason.
            var line = FFmpegExecutable.lastLine(of: run.errors)
            if line.hasPrefix(url.path + ": ") { line.removeFirst(url.path.count + 2) }
            throw ToonIOError(url: url, .video(.notAVideo(ToonIOError.quoted(line, limit: 160))))
        }
        switch VideoInfo.parse(probeJSON: run.output) {
        case .success(let info): return info
        case .failure(.noVideoStream): throw ToonIOError(url: url, .video(.noVideoStream))
        case .failure(.unreadable): throw ToonIOError(url: url, .video(.notAVideo("ffprobe's description could not be read")))
        case .failure(.badSize(let size)): throw ToonIOError(url: url, .video(.unusableStream("frame size \(size) is outside 1...16384")))
        case .failure(.noFrameRate): throw ToonIOError(url: url, .video(.unusableStream("no frame rate below 1000 frames/s")))
        }
    }

    /// `ffmpeg -i URL` to raw upright RGB24 on stdout: the first video stream only, every frame.
    static func decodeArguments(input: String) -> [String] {
        ["-hide_banner", "-nostats", "-nostdin", "-loglevel", "error", "-i", input,
         "-map", "0:v:0", "-an", "-sn", "-dn", "-fps_mode", "passthrough",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    }

    private func start(_ ffmpeg: URL) throws(ToonIOError) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw ToonIOError(url: url, .video(.io("cannot create a pipe from ffmpeg (\(SystemErrorText.lastError()))")))
        }
        output = ends[0]
        defer { closeDescriptor(ends[1]) }
        // ffmpeg writes into ends[1]: room for whole frames lets it decode ahead while a frame is stylized.
        SocketBuffer.enlarge(ends[1], frameBytes: info.width * info.height * 3)
        let logDescriptor: Int32
        do {
            let created = try RunCleanup.shared.createFile(log.path)
            logRegistration = created.token
            logDescriptor = created.descriptor
        } catch {
            closeOutput()
            throw ToonIOError(url: url, .video(.io("cannot create \(log.path) for ffmpeg's messages (\(error.reason))")))
        }
        defer { closeDescriptor(logDescriptor) }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if null >= 0 { closeDescriptor(null) } }
        do {
            child = try ChildProcess(executable: ffmpeg.path, arguments: Self.decodeArguments(input: url.path),
                                     stdin: null >= 0 ? null : logDescriptor, stdout: ends[1], stderr: logDescriptor)
        } catch {
            closeOutput(); removeLog()
            throw ToonIOError(url: url, .video(.io("cannot start \(ffmpeg.path): \(error.reason)")))
        }
    }

    /// The next frame, upright, `info.width` x `info.height`; nil after the last. A file that ends
    /// inside a frame or that ffmpeg reports damage in is an error (after the frames before it).
    public func next() throws(ToonIOError) -> RGBFrame? {
        guard !finished else { return nil }
        var pixels = [UInt8](repeating: 0, count: info.width * info.height * 3)
        let got = pixels.withUnsafeMutableBytes { receiveAll($0) }
        switch got {
        case .full:
            framesRead += 1
            return RGBFrame(width: info.width, height: info.height, pixels: pixels)
        case .stalled:
            close()
            throw ToonIOError(url: url, .video(.ffmpegStalled(seconds: Int(stallTimeout))))
        case .failed(let code):
            close()
            throw ToonIOError(url: url, .video(.io("cannot read frames from ffmpeg (\(SystemErrorText.errno(code)))")))
        case .ended(let bytes):
            closeOutput()
            let status = child?.waitUntilExit() ?? -1
            let messages = (try? Data(contentsOf: log)) ?? Data()
            close()
            if status != 0 {
                throw ToonIOError(url: url, .video(.ffmpegFailed(status: status, lastLine: FFmpegExecutable.lastLine(of: messages))))
            }
            // With -loglevel error, every line ffmpeg printed is a decoding problem.
            if !messages.allSatisfy({ $0 == 10 || $0 == 13 || $0 == 32 }) {
                throw ToonIOError(url: url, .video(.damaged(ToonIOError.quoted(Self.firstLine(of: messages), limit: 160))))
            }
            if bytes > 0 {
                throw ToonIOError(url: url, .video(.damaged("frame \(framesRead + 1) ends after \(bytes) of \(info.width * info.height * 3) bytes")))
            }
            return nil
        }
    }

    /// Stops decoding: kills ffmpeg if it still runs and removes its log. `next()` then returns nil.
    public func close() {
        finished = true
        closeOutput()
        if let child {
            child.killNow()
            _ = child.waitUntilExit()
        }
        child = nil
        removeLog()
    }

    deinit { close() }

    private enum Received { case full, ended(Int), stalled, failed(Int32) }

    private func receiveAll(_ buffer: UnsafeMutableRawBufferPointer) -> Received {
        var offset = 0
        var watch: StallWatch?
        while offset < buffer.count {
            let got = recv(output, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_DONTWAIT))
            if got > 0 { offset += got; watch = nil; continue }
            if got == 0 { return .ended(offset) }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { return .failed(errno) }
            // Nothing to read yet: wait, watching that ffmpeg still works on something.
            if watch == nil { watch = StallWatch(pid: child?.pid ?? 0, files: [log.path], limit: stallTimeout) }
            var entry = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, 200) == 0, watch!.stalled() { return .stalled }
        }
        return .full
    }

    /// The first message, without the "[mov,mp4,... @ 0x55d0...] " prefix that changes run to run.
    private static func firstLine(of data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        var line = text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "(no message)"
        if line.hasPrefix("["), let end = line.firstIndex(of: "]"), line[..<end].contains(" @ 0x") {
            line = line[line.index(after: end)...].trimmingCharacters(in: .whitespaces)
        }
        return line
    }

    private func closeOutput() {
        if output >= 0 { closeDescriptor(output); output = -1 }
    }

    private func removeLog() {
        unlink(log.path)
        if let logRegistration { RunCleanup.shared.release(logRegistration) }
        logRegistration = nil
    }
}

/// `close(2)`, reachable from inside a type that has its own `close()`.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
