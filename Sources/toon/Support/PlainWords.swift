import Foundation

/// System errors in plain words. Foundation's own texts ("The operation could not be completed.
/// (NSCocoaErrorDomain error 512.)") say nothing a user can act on; the errno underneath does.
enum PlainWords {
    /// A short lower-case reason for an errno value.
    static func errno(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file or directory"
        case ENOTDIR: "not a directory"
        case EISDIR: "is a directory"
        case ELOOP: "too many symbolic links (a symlink loop?)"
        case EACCES, EPERM: "permission denied"
        case ENOSPC: "no space left on the device"
        case EDQUOT: "disk quota exceeded"
        case EROFS: "read-only file system"
        case ENAMETOOLONG: "file name too long"
        case EEXIST: "already exists"
        default:
            String(cString: strerror(code)).lowercased()
        }
    }

    /// The errno under a Foundation error when there is one, else the error's own one-line text.
    static func error(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return errno(Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return errno(Int32(underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or directory"
            case NSFileWriteOutOfSpaceError: return "no space left on the device"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
            case NSFileWriteVolumeReadOnlyError: return "read-only file system"
            default: return "file system error \(ns.code)"
            }
        }
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}
