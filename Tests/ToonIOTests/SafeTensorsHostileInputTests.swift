import Foundation
import Testing
import ToonCore
@testable import ToonIO
import ToonTestSupport

/// Broken and hostile safetensors files: every one must give a typed one-line error, never a crash,
/// a hang or a tensor that reads outside the file.
@Suite("SafeTensors: hostile input", .computeFromEnvironment)
struct SafeTensorsHostileInputTests {
    let folder = temporaryFolder("safetensors-hostile")

    /// Writes `bytes` to a file and opens it, reading every tensor if the header is accepted.
    private func open(_ bytes: [UInt8], tag: String = "case") throws -> SafeTensorsFile {
        let url = folder.appendingPathComponent("\(tag).safetensors")
        try Data(bytes).write(to: url)
        let file = try SafeTensorsFile(url: url)
        for name in file.names {
            // Unconverted dtypes may refuse; anything else must read within the file.
            _ = try? file.tensor(name).scalars
        }
        return file
    }

    private func problem(_ bytes: [UInt8]) -> ToonIOError.TensorFileProblem? {
        expectError { try open(bytes) }?.tensorFileProblem
    }

    private static func file(_ header: String, data: [UInt8] = []) -> [UInt8] {
        [UInt8](Data(safetensors: header, data: data))
    }

    @Test("every truncation of a valid file is refused with an error")
    func truncations() throws {
        let bytes = try [UInt8](Data(contentsOf: SafeTensorsTests.fixture("mixed.safetensors")))
        for length in 0..<bytes.count {
            let error = expectError { try open(Array(bytes.prefix(length))) }
            #expect(error != nil, "accepted a file cut to \(length) of \(bytes.count) bytes")
        }
        #expect(try open(bytes).names.count == 10)
    }

    @Test("random bytes and random corruptions of a valid file never crash")
    func randomBytes() throws {
        var random = NumpyRandomState(seed: 2024)
        let valid = try [UInt8](Data(contentsOf: SafeTensorsTests.fixture("mixed.safetensors")))
        for round in 0..<300 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<random.randint(0..<700)).map { _ in UInt8(random.randint(0..<256)) }
                // Make some plausible: a small header length so the JSON parser sees the noise.
                if round % 4 == 0, bytes.count >= 8 {
                    bytes.replaceSubrange(0..<8, with: Swift.withUnsafeBytes(of: UInt64(bytes.count - 8).littleEndian, Array.init))
                }
            } else {
                bytes = valid
                for _ in 0..<(1 + random.randint(0..<4)) {
                    bytes[random.randint(0..<bytes.count)] = UInt8(random.randint(0..<256))
                }
            }
            _ = try? open(bytes, tag: "random\(round)")
        }
    }

    @Test("header lengths beyond the cap or the file are refused before anything is read",
          arguments: [UInt64.max, UInt64(Int.max), 100_000_001, 64])
    func hugeHeaderLength(length: UInt64) {
        let bytes = Swift.withUnsafeBytes(of: length.littleEndian, Array.init) + [UInt8]("{}".utf8)
        switch problem(bytes) {
        case .badHeader?, .truncated?: break
        case let other: Issue.record("length \(length): \(String(describing: other))")
        }
    }

    @Test("malformed headers give the matching error", arguments: [
        // Shapes: negative, fractional, textual, overflowing the element count.
        (#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, "badHeader"),
        (#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, "badHeader"),
        (#"{"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}"#, "badHeader"),
        (#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}"#, "badHeader"),
        (#"{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}}"#, "badHeader"),
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,4]}}"#, "sizeMismatch"),
        // Offsets: reversed, negative, overflowing, past the data, overlapping, leaving a gap or a tail.
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, "badHeader"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#, "badHeader"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551620]}}"#, "badHeader"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, "truncated"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#, "badHeader"),
        (#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#, "badHeader"),
        (#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#, "sizeMismatch"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, "badHeader"),
        // Structure: duplicates, wrong types, unknown dtype, missing fields, not an object, bad JSON.
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#, "badHeader"),
        (#"{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}"#, "unsupportedDType"),
        (#"{"a":{"dtype":"F32","shape":[1]}}"#, "badHeader"),
        (#"{"a":[1,2]}"#, "badHeader"),
        (#"{"__metadata__":{"k":1}}"#, "badHeader"),
        (#"{"__metadata__":[]}"#, "badHeader"),
        (#"{"__metadata__":{"k":"v","k":"w"}}"#, "badHeader"),
        (#"{"a":"\ud800"}"#, "badHeader"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, "badHeader"),
        (#"{"a":1} trailing"#, "badHeader"),
        ("[1]", "badMagic"),
    ] as [(String, String)])
    func malformedHeaders(header: String, expected: String) {
        let problem = problem(Self.file(header, data: [0, 0, 128, 63]))
        let kind = problem.map { String(describing: $0).components(separatedBy: "(").first! }
        #expect(kind == expected, "\(header.prefix(80)): \(String(describing: problem))")
    }

    @Test("deeply nested JSON is refused without exhausting the stack")
    func deepNesting() {
        let header = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        guard case .badHeader? = problem(Self.file(header)) else { Issue.record("not refused as a bad header"); return }
    }

    @Test("invalid UTF-8 in the header is refused")
    func invalidUTF8() {
        var bytes = Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
        bytes[10] = 0xFF  // inside the name "a"
        #expect(problem(bytes) != nil)
    }

    @Test("a hostile tensor name cannot break the one-line error message")
    func hostileName() {
        let name = "evil\\n" + String(repeating: "x", count: 10_000)
        let error = expectError { try open(Self.file("{\"\(name)\":{\"dtype\":\"Q\",\"shape\":[],\"data_offsets\":[0,0]}}")) }
        #expect((error?.description.count ?? 0) < 400)
    }
}
