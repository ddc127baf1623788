import Foundation
import Testing
@testable import ToonIO

/// Where the shared reference fixtures live: `shared/fixtures` beside the repository root.
enum CheckpointFixtures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // ToonIOTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repository root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures")

    static let available = FileManager.default.fileExists(atPath: root.appendingPathComponent("README.md").path)
    static let skipReason: Comment = "shared/fixtures is not beside the repository root; fixture tests skipped"

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// Fixtures are mapped once per process: the rosinality file is 64 MB.
    nonisolated(unsafe) private static var mapped: [String: FileBytes] = [:]
    private static let lock = NSLock()

    static func bytes(_ relative: String) throws -> FileBytes {
        lock.lock()
        defer { lock.unlock() }
        if let done = mapped[relative] { return done }
        let bytes = try FileBytes.map(url(relative))
        mapped[relative] = bytes
        return bytes
    }

    nonisolated(unsafe) static let reference: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/checkpoint_reference.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()
}

/// Builds pickle programs byte by byte for tests of the machine.
struct PickleBytes {
    var bytes: [UInt8] = []

    init(protocol version: UInt8? = 4) {
        if let version { bytes = [0x80, version] }
    }

    mutating func op(_ code: UInt8, _ extra: [UInt8] = []) { bytes.append(code); bytes += extra }
    mutating func raw(_ extra: [UInt8]) { bytes += extra }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        if utf8.count < 256 { op(0x8c, [UInt8(utf8.count)] + utf8) } else { op(0x58, le32(utf8.count) + utf8) }
    }

    mutating func int(_ i: Int) { op(0x4a, le32(i)) }

    mutating func global(_ module: String, _ name: String) { string(module); string(name); op(0x93) }

    mutating func stop() { op(0x2e) }

    func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    var slice: ByteSlice { FileBytes(name: "test.pkl", copying: bytes).all }

    func run(_ machine: PickleMachine = PickleMachine()) throws(CheckpointError) -> PickleValue {
        try machine.run(slice, source: "test.pkl").value
    }
}

extension CheckpointError {
    /// Runs `body` and returns its CheckpointError, or nil when it succeeded.
    static func from(_ body: () throws -> Void) -> CheckpointError? {
        do {
            try body()
            return nil
        } catch let error as CheckpointError {
            return error
        } catch {
            Issue.record("expected a CheckpointError, got \(error)")
            return nil
        }
    }
}
