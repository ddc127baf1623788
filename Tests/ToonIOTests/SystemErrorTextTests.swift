import Foundation
import Testing
import ToonTestSupport
@testable import ToonIO

/// Foundation's errors as swift-corelibs-foundation really throws them, read in plain words.
@Suite("System errors in plain words", .computeFromEnvironment)
struct SystemErrorTextTests {
    @Test("errno values read as short lower-case reasons")
    func errnoWords() {
        #expect(SystemErrorText.errno(ENOENT) == "no such file or directory")
        #expect(SystemErrorText.errno(EACCES) == "permission denied")
        #expect(SystemErrorText.errno(ENOSPC) == "no space left on the device")
        #expect(SystemErrorText.errno(EXDEV) == String(cString: strerror(EXDEV)).lowercased())
    }

    @Test("a Foundation write into a missing folder names the errno, not a Cocoa code")
    func foundationWrite() throws {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/x")
        let error = try #require(throws: (any Error).self) { try Data([1]).write(to: url) }
        #expect(SystemErrorText.reason(error) == "no such file or directory")
        #expect(SystemErrorText.path(of: error) == url.path)
        #expect(SystemErrorText.isSystemError(error))
    }

    @Test("creating a folder under a file is 'not a directory' (Foundation's code 512 with a POSIXError under it)")
    func foundationCreateFolder() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("system-error-\(UUID().uuidString)")
        try Data([1]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = try #require(throws: (any Error).self) {
            try FileManager.default.createDirectory(at: file.appendingPathComponent("sub"), withIntermediateDirectories: true)
        }
        #expect(SystemErrorText.reason(error) == "not a directory")
    }

    @Test("the underlying errno is found as a Swift POSIXError, an NSError, or directly",
          arguments: [
            CocoaError(.fileWriteUnknown, userInfo: [NSUnderlyingErrorKey: POSIXError(.ENOSPC)]) as any Error,
            NSError(domain: NSCocoaErrorDomain, code: 512,
                    userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))]),
            POSIXError(.ENOSPC),
            NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC)),
          ])
    func underlying(error: any Error) {
        #expect(SystemErrorText.code(of: error) == ENOSPC)
        #expect(SystemErrorText.reason(error) == "no space left on the device")
    }

    @Test("Foundation codes without an errno, and other errors, keep a short reason")
    func withoutErrno() {
        #expect(SystemErrorText.reason(CocoaError(.fileReadNoSuchFile)) == "no such file or directory")
        #expect(SystemErrorText.reason(CocoaError(.fileWriteUnknown)) == "cannot be written")
        let own = ToonIOError(file: "a.png", .image(.unreadable("why")))
        #expect(SystemErrorText.reason(own) == own.description)
        #expect(!SystemErrorText.isSystemError(own))
    }
}
