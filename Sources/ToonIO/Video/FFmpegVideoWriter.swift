import Foundation

/// Writes H.264 MP4 video by piping raw RGB frames into an `ffmpeg` process.
///
/// Each `append` sends the frame's bytes to ffmpeg's stdin at once, so ToonKit holds no frames;
/// when ffmpeg falls behind, the write blocks, which paces generation to the encoder. ffmpeg
/// writes to a temporary file beside `url`, renamed on success and removed otherwise.
public final class FFmpegVideoWriter: VideoWriter {
    /// Default constant rate factor: visually lossless for most content at modest sizes.
    public static let defaultCRF = 18
    /// x264's presets, fastest first: each trades encoding time for file size at the same CRF.
    public static let x264Presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
                                     "veryslow", "placebo"]

    public let url: URL
    public let width: Int
    public let height: Int
    public let fps: Double
    /// x264 constant rate factor, 0 (lossless) ... 51 (worst).
    public let crf: Int
    /// Frames written so far.
    public private(set) var frameCount = 0
    /// Seconds ffmpeg may go without using CPU time or writing anything before it is killed.
    public let stallTimeout: Double
    /// The default for `stallTimeout`: far beyond any pause of a working encoder.
    public static let defaultStallTimeout: Double = 60

    private let file: PartialFile
    /// Whether the finished file must pass `MP4Boxes` (MP4 and QuickTime; not Matroska or WebM).
    private let checksMP4Boxes: Bool
    /// ffmpeg, once started; it dies with toon (see `ChildProcess`).
    private var child: ChildProcess?
    /// Our end of the socket that is ffmpeg's stdin; -1 once closed.
    private var input: Int32 = -1
    private let log: URL
    private var isOpen = true
    /// ffmpeg's log in the run's registry, so an interrupted run removes it.
    private var logRegistration: RunCleanup.Token?

    /// Starts ffmpeg for `width` x `height` frames at `fps`. `executable` overrides the PATH search.
    ///
    /// Width and height must be even (yuv420p stores colour at half resolution); odd sizes are
    /// refused rather than padded so the output never differs silently from the frames given.
    public convenience init(url: URL, width: Int, height: Int, fps: Double, crf: Int = defaultCRF,
                            preset: String = "medium", executable: URL? = nil,
                            stallTimeout: Double = defaultStallTimeout) throws(ToonIOError) {
        precondition(fps > 0, "frame rate \(fps) must be positive")
        guard width % 2 == 0, height % 2 == 0 else {
            throw ToonIOError(url: url, .video(.oddDimensions(width: width, height: height)))
        }
        try self.init(url: url, width: width, height: height, fps: fps, crf: crf, executable: executable,
                      stallTimeout: stallTimeout, checksMP4Boxes: true) { output in
            FFmpegExecutable.mp4Arguments(width: width, height: height, fps: fps, crf: crf, preset: preset, output: output)
        }
    }

    /// Starts ffmpeg for `width` x `height` frames at the exact `rate`, written as `container`
    /// (H.264, or VP9 for WebM; odd sizes in 4:4:4 chroma) with `audio`'s streams copied in, or
    /// re-encoded where the container cannot hold their codec (`AudioSource.reencoding(into:)`).
    public convenience init(url: URL, width: Int, height: Int, rate: FrameRate, container: VideoContainer,
                            audio: AudioSource?, crf: Int = defaultCRF, preset: String = "medium",
                            executable: URL? = nil, stallTimeout: Double = defaultStallTimeout) throws(ToonIOError) {
        try self.init(url: url, width: width, height: height, fps: rate.value, crf: crf, executable: executable,
                      stallTimeout: stallTimeout, checksMP4Boxes: container == .mp4 || container == .mov) { output in
            FFmpegExecutable.containerArguments(width: width, height: height, rate: rate, container: container, crf: crf,
                                                preset: preset, audio: audio, output: output)
        }
    }

    /// Starts ffmpeg with the arguments `arguments` gives for the temporary output path.
    private init(url: URL, width: Int, height: Int, fps: Double, crf: Int, executable: URL?, stallTimeout: Double,
                 checksMP4Boxes: Bool, arguments: (String) -> [String]) throws(ToonIOError) {
        precondition((0...51).contains(crf), "x264 CRF \(crf) is outside 0...51")
        guard width > 0, height > 0, width <= 16_384, height <= 16_384 else {
            throw ToonIOError(url: url, .video(.invalidDimensions(width: width, height: height, limit: 16_384)))
        }
        self.url = url
        self.width = width
        self.height = height
        self.fps = fps
        self.crf = crf
        self.stallTimeout = stallTimeout
        self.checksMP4Boxes = checksMP4Boxes
        file = try PartialFile(destination: url, open: false)
        let program = executable ?? FFmpegExecutable.locate()
        guard let program, FileManager.default.isExecutableFile(atPath: program.path) else {
            throw ToonIOError(url: url, .video(.ffmpegMissing))
        }
        log = FileManager.default.temporaryDirectory
            .appendingPathComponent("toonkit-ffmpeg-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log")
        try start(program: program, arguments: arguments(file.temporary.path))
    }

    private func start(program: URL, arguments: [String]) throws(ToonIOError) {
        // A socket rather than a pipe: `send` with MSG_NOSIGNAL reports a dead ffmpeg as EPIPE
        // instead of raising SIGPIPE, which would kill the whole program. CLOEXEC keeps our end
        // out of other children, which would otherwise hold it open and hide end-of-input.
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw ToonIOError(url: url, .video(.io("cannot create a pipe to ffmpeg (\(SystemErrorText.lastError()))")))
        }
        input = ends[0]
        SocketBuffer.enlarge(input, frameBytes: width * height * 3)
        let childInput = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
        // stderr goes to a file, not a pipe: nothing has to drain it while we block on stdin.
        let logHandle: FileHandle
        do {
            let created = try RunCleanup.shared.createFile(log.path)
            logRegistration = created.token
            logHandle = FileHandle(fileDescriptor: created.descriptor, closeOnDealloc: true)
        } catch {
            closeInput(); try? childInput.close()
            throw ToonIOError(url: url, .video(.io("cannot create \(log.path) for ffmpeg's messages (\(error.reason))")))
        }
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        do {
            child = try ChildProcess(
                executable: program.path,
                arguments: arguments,
                stdin: childInput.fileDescriptor, stdout: null >= 0 ? null : logHandle.fileDescriptor, stderr: logHandle.fileDescriptor)
        } catch {
            closeInput(); try? childInput.close(); try? logHandle.close()
            removeLog()
            throw ToonIOError(url: url, .video(.io("cannot start \(program.path): \(error.reason)")))
        }
        try? childInput.close()
        try? logHandle.close()
    }

    public func append(_ frame: RGBFrame) throws(ToonIOError) {
        guard isOpen else { throw ToonIOError(url: url, .video(.closed)) }
        guard frame.width == width, frame.height == height else {
            throw ToonIOError(url: url, .video(.frameSize(expected: "\(width)x\(height)", got: frame.sizeDescription)))
        }
        let failure = frame.pixels.withUnsafeBytes { sendAll($0) }
        if failure == ETIMEDOUT {
            killChild()
            abandon()
            throw ToonIOError(url: url, .video(.ffmpegStalled(seconds: Int(stallTimeout))))
        }
        if failure != 0 {
            // ffmpeg stopped reading; its exit status and stderr say why better than EPIPE does.
            closeInput()
            if !waitWhileProgressing() { killChild() }
            let status = waitForExit()
            // Read ffmpeg's message before `abandon` removes the log it is in.
            let line = readLastLogLine()
            abandon()
            if status != 0 { throw ToonIOError(url: url, .video(.ffmpegFailed(status: status, lastLine: line))) }
            throw ToonIOError(url: url, .video(.io("cannot send a frame to ffmpeg (\(SystemErrorText.errno(failure)))")))
        }
        frameCount += 1
    }

    public func finish() throws(ToonIOError) {
        guard isOpen else { throw ToonIOError(url: url, .video(.closed)) }
        closeInput()
        guard waitWhileProgressing() else {
            killChild()
            abandon()
            throw ToonIOError(url: url, .video(.ffmpegStalled(seconds: Int(stallTimeout))))
        }
        let status = waitForExit()
        let log = (try? Data(contentsOf: self.log)) ?? Data()
        guard status == 0 else {
            abandon()
            throw ToonIOError(url: url, .video(.ffmpegFailed(status: status, lastLine: FFmpegExecutable.lastLine(of: log))))
        }
        // Status 0 is not enough: ffmpeg exits 0 after failing to write the trailer on a full disk.
        if let line = FFmpegExecutable.errorLine(in: log) {
            abandon()
            throw ToonIOError(url: url, .video(.incompleteOutput(line)))
        }
        if checksMP4Boxes, let problem = MP4Boxes.problem(at: file.temporary.path) {
            abandon()
            throw ToonIOError(url: url, .video(.incompleteOutput(problem)))
        }
        isOpen = false
        removeLog()
        try file.commit()
    }

    public func cancel() {
        guard isOpen else { return }
        // The output is thrown away, so there is nothing for ffmpeg to finish: end it at once.
        killChild()
        closeInput()
        _ = waitForExit()
        abandon()
    }

    deinit { cancel() }

    /// Sends every byte, retrying short writes and interruptions; 0, the errno that stopped it,
    /// or ETIMEDOUT when ffmpeg took nothing and made no progress for `stallTimeout` seconds.
    private func sendAll(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        var watch: StallWatch?
        while offset < bytes.count {
            let sent = send(input, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            if sent >= 0 {
                offset += sent
                watch = nil
                continue
            }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { return errno }
            // ffmpeg is not reading: wait for room, watching that it still works on something.
            if watch == nil { watch = StallWatch(pid: child?.pid ?? 0, files: watchedFiles, limit: stallTimeout) }
            var entry = pollfd(fd: input, events: Int16(POLLOUT), revents: 0)
            if poll(&entry, 1, 200) == 0, watch!.stalled() { return ETIMEDOUT }
        }
        return 0
    }

    private var watchedFiles: [String] { [file.temporary.path, log.path] }

    /// Waits for ffmpeg to exit while it makes progress; false if it stalled for `limit` seconds.
    private func waitWhileProgressing(limit: Double? = nil) -> Bool {
        guard let child else { return true }
        var watch = StallWatch(pid: child.pid, files: watchedFiles, limit: limit ?? stallTimeout)
        while child.isRunning {
            usleep(20_000)
            if watch.stalled() { return !child.isRunning }
        }
        return true
    }

    /// Ends ffmpeg at once; it is never waited on for longer than that.
    private func killChild() {
        child?.killNow()
    }

    private func closeInput() {
        if input >= 0 { close(input); input = -1 }
    }

    private func waitForExit() -> Int32 {
        child?.waitUntilExit() ?? -1
    }

    private func removeLog() {
        unlink(log.path)
        if let logRegistration { RunCleanup.shared.release(logRegistration) }
        logRegistration = nil
    }

    private func readLastLogLine() -> String {
        FFmpegExecutable.lastLine(of: (try? Data(contentsOf: log)) ?? Data())
    }

    /// Drops the temporary video and the log after a failure or cancellation.
    private func abandon() {
        isOpen = false
        file.discard()
        removeLog()
    }
}
