#if Studio
import Foundation
import ToonIO

/// What an upload turned out to be, told from its bytes.
public enum UploadKind: String, Sendable, Codable {
    /// PNG, JPEG, an ISO media file (MP4, MOV), Matroska (MKV, WebM).
    case png, jpeg, mp4, matroska

    /// Whether it is a video.
    public var isVideo: Bool { self == .mp4 || self == .matroska }

    /// The stored file's extension (the file name itself is generated).
    var fileExtension: String {
        switch self {
        case .png: "png"
        case .jpeg: "jpg"
        case .mp4: "mp4"
        case .matroska: "mkv"
        }
    }

    /// The kind of `bytes` from their first bytes, or nil for anything else: PNG's and JPEG's
    /// signatures, an ISO media `ftyp` box (MP4, MOV), a Matroska/WebM EBML header.
    public static func sniff(_ bytes: some Collection<UInt8>) -> UploadKind? {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.count >= 8, Array(head[4..<8]) == Array("ftyp".utf8) { return .mp4 }
        if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return .matroska }
        return nil
    }
}

/// An upload as the API shows it.
public struct Upload: Sendable, Codable, Equatable {
    /// Its id (a lower-case UUID the server made).
    public let id: String
    /// What its bytes are.
    public let kind: UploadKind
    /// Width in pixels (upright, for a video).
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Seconds, for a video.
    public let duration: Double?
}

/// Uploaded photos and videos, checked and kept under the data folder with generated names.
struct UploadStore: Sendable {
    let folder: URL
    let settings: StudioSettings

    /// Checks `bytes` (kind from content, decoded as the CLI decodes, size and duration limits) and
    /// keeps them; a `StudioError` says what was wrong.
    func store(_ bytes: [UInt8]) throws -> Upload {
        if bytes.isEmpty { throw StudioError(.badRequest, "the upload is empty") }
        guard let kind = UploadKind.sniff(bytes) else {
            throw StudioError(.unsupportedMediaType, "the upload is not a PNG, JPEG, MP4/MOV or WebM/MKV file (told from its bytes)")
        }
        let id = UUID().uuidString.lowercased()
        let url = folder.appendingPathComponent("\(id).\(kind.fileExtension)")
        if !kind.isVideo {
            let image: Image
            do { image = try Image.decode(bytes, path: "upload") } catch { throw StudioError(.unprocessableContent, "\(error)") }
            try AtomicFile.write(Data(bytes), to: url)
            return Upload(id: id, kind: kind, width: image.width, height: image.height, duration: nil)
        }
        // Probed under a name the store never serves, and kept only when it passes.
        let probing = folder.appendingPathComponent("\(Self.probePrefix)\(getpid())-\(id).\(kind.fileExtension)")
        try AtomicFile.write(Data(bytes), to: probing)
        do {
            let info: VideoInfo
            do { info = try FFmpegVideoReader.probe(probing) } catch { throw StudioError(.unprocessableContent, "upload: \(Self.reason(error))") }
            let seconds = info.duration ?? info.frameCount.map { Double($0) / info.frameRate.value } ?? .infinity
            guard seconds <= settings.maxVideoSeconds else {
                throw StudioError(.contentTooLarge, String(format: "the video is %.1f s long; the limit is %g s", seconds, settings.maxVideoSeconds))
            }
            try FileManager.default.moveItem(at: probing, to: url)
            return Upload(id: id, kind: kind, width: info.width, height: info.height, duration: seconds)
        } catch {
            try? FileManager.default.removeItem(at: probing)
            throw error
        }
    }

    /// Videos being probed are named `.probe-<pid>-<id>.<ext>`.
    static let probePrefix = ".probe-"

    /// Removes the videos a killed run left mid-probe in `folder` (those whose process no longer runs).
    static func removeLeftoverProbes(in folder: URL) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(probePrefix) {
            guard let pid = Int32(name.dropFirst(probePrefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { try? FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
        }
    }

    /// The stored upload with `id` (a generated id, checked as such), or nil.
    func file(_ id: String) -> (url: URL, kind: UploadKind)? {
        guard StudioIDs.isValid(id) else { return nil }
        for kind in [UploadKind.png, .jpeg, .mp4, .matroska] {
            let url = folder.appendingPathComponent("\(id).\(kind.fileExtension)")
            if FileManager.default.fileExists(atPath: url.path) { return (url, kind) }
        }
        return nil
    }

    /// The error's text without the temporary file's path.
    private static func reason(_ error: any Error) -> String {
        "\(error)".replacingOccurrences(of: #"[^ :]*\.probe-[0-9]+-[0-9a-f-]+\.[a-z0-9]+:? ?"#, with: "", options: .regularExpression)
    }
}

/// Ids the server makes (lower-case UUIDs); anything else from a request is refused before use.
enum StudioIDs {
    static func isValid(_ id: String) -> Bool {
        id.count == 36 && UUID(uuidString: id) != nil && id == id.lowercased()
    }
}
#endif
