import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// System errors in a user's words ("no such file or directory"), for every module. Foundation's
/// own texts ("The operation could not be completed. (NSCocoaErrorDomain error 512.)") say nothing
/// a user can act on; the errno underneath does.
///
/// On Linux, swift-corelibs-foundation throws a `CocoaError` whose underlying error is a Swift
/// `POSIXError` (FoundationEssentials), not an `NSError` in `NSPOSIXErrorDomain`, so a cast of the
/// underlying error to `NSError` finds nothing; `code(of:)` looks for both.
package enum SystemErrorText {
    /// A short lower-case reason for an errno value.
    package static func errno(_ code: Int32) -> String {
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
        case EIO: "input/output error"
        case EMFILE, ENFILE: "too many open files"
        case EFBIG: "file too large"
        default: String(cString: strerror(code)).lowercased()
        }
    }

    /// The reason for the last failed system call (`errno`).
    package static func lastError() -> String {
        #if canImport(Glibc)
        errno(Glibc.errno)
        #else
        errno(Darwin.errno)
        #endif
    }

    /// The errno behind `error`: a `POSIXError`, an `NSError` in `NSPOSIXErrorDomain`, or either
    /// one as the underlying error of a Foundation error. Nil when there is none.
    package static func code(of error: any Error) -> Int32? {
        var current: any Error = error
        // A few levels: Foundation wraps at most twice; a cycle must not loop forever.
        for _ in 0..<4 {
            if let posix = current as? POSIXError { return posix.code.rawValue }
            let ns = current as NSError
            if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
            guard let underlying = ns.userInfo[NSUnderlyingErrorKey] as? any Error else { return nil }
            current = underlying
        }
        return nil
    }

    /// `error` as a short reason: the errno's words when there is one, Foundation's file error
    /// codes in words, else the first line of the error's own text.
    package static func reason(_ error: any Error) -> String {
        if let code = code(of: error) { return errno(code) }
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain { return cocoa(ns.code) }
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "unknown error"
    }

    /// The path a Foundation error names (its file path or URL), nil when it names none.
    package static func path(of error: any Error) -> String? {
        let info = (error as NSError).userInfo
        if let path = info[NSFilePathErrorKey] as? String { return path }
        return (info[NSURLErrorKey] as? URL)?.path
    }

    /// Whether `error` comes from Foundation or the system (and so needs `reason` to be read).
    package static func isSystemError(_ error: any Error) -> Bool {
        if error is POSIXError || error is CocoaError { return true }
        let domain = (error as NSError).domain
        return domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }

    /// Foundation's file error codes, for errors that carry no errno.
    private static func cocoa(_ code: Int) -> String {
        switch code {
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: "no such file or directory"
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: "permission denied"
        case NSFileWriteOutOfSpaceError: "no space left on the device"
        case NSFileWriteVolumeReadOnlyError: "read-only file system"
        case NSFileWriteFileExistsError: "already exists"
        case NSFileReadInvalidFileNameError, NSFileWriteInvalidFileNameError: "invalid file name"
        case NSFileReadTooLargeError: "file too large"
        case NSFileReadCorruptFileError: "not in the expected format"
        case NSFileReadInapplicableStringEncodingError, NSFileWriteInapplicableStringEncodingError: "not text in the expected encoding"
        case NSFileReadUnknownError: "cannot be read"
        case NSFileWriteUnknownError: "cannot be written"
        default: "file error \(code)"
        }
    }
}
