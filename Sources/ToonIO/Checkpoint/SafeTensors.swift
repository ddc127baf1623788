import Foundation
import ToonCore

/// A safetensors file opened for reading: the header is parsed and checked up front, tensor data is
/// read only when asked for. ToonKit's own checkpoints are safetensors with the model config as
/// JSON in the metadata under `SafeTensors.configKey`.
///
/// Float32 tensors borrow the mapped memory (no copy) and keep the mapping alive; other dtypes are
/// converted to Float32 copies.
public final class SafeTensorsFile: @unchecked Sendable {
    /// One tensor's header entry.
    public struct Entry: Equatable, Sendable {
        public let name: String
        /// The safetensors dtype name, for example `F32` or `BF16`.
        public let dtype: String
        public let shape: [Int]
        /// Where its bytes lie, relative to the start of the data section.
        public let byteRange: Range<Int>
    }

    public let url: URL
    /// Every tensor, in file (data) order.
    public let entries: [Entry]
    /// The `__metadata__` string map (empty when absent).
    public let metadata: [String: String]
    let file: MappedFile
    let dataStart: Int
    private let index: [String: Int]

    /// Maps `url` and validates its header; no tensor data is touched.
    public init(url: URL) throws(ToonIOError) {
        self.url = url
        file = try MappedFile(url: url)
        let header = try SafeTensorsHeader.parse(file.bytes, url: url)
        entries = header.entries
        metadata = header.metadata
        dataStart = header.dataStart
        index = Dictionary(uniqueKeysWithValues: header.entries.enumerated().map { ($1.name, $0) })
    }

    /// Tensor names in file order.
    public var names: [String] { entries.map(\.name) }

    /// The ToonKit model config (JSON text) stored under `SafeTensors.configKey`, if any.
    public var config: String? { metadata[SafeTensors.configKey] }

    /// The header entry for `name`, if the file has such a tensor.
    public func entry(_ name: String) -> Entry? {
        index[name].map { entries[$0] }
    }

    /// The tensor `name` as Float32: borrowed from the mapping when stored as aligned F32, else a copy.
    public func tensor(_ name: String) throws(ToonIOError) -> Tensor {
        guard let entry = entry(name) else {
            throw ToonIOError(url: url, .tensorFile(.missingTensor(ToonIOError.quoted(name))))
        }
        guard let scalar = SafeTensorsHeader.dtypes[entry.dtype]?.scalar else {
            throw ToonIOError(url: url, .tensorFile(.unsupportedDType("\(ToonIOError.quoted(name)) is \(entry.dtype), which ToonKit does not convert to F32")))
        }
        let count = Shape.count(entry.shape)
        guard count > 0, let base = file.bytes.baseAddress else { return Tensor.zeros(entry.shape) }
        let source = base + dataStart + entry.byteRange.lowerBound
        #if _endian(little)
        if scalar == .float32, Int(bitPattern: source) % MemoryLayout<Float>.alignment == 0 {
            let floats = source.assumingMemoryBound(to: Float.self)
            return Tensor(shape: entry.shape, storage: TensorStorage(borrowing: floats, count: count, owner: file))
        }
        #endif
        var tensor = Tensor(uninitializedShape: entry.shape)
        tensor.withUnsafeMutableBufferPointer { out in scalar.decode(source, count: count, into: out.baseAddress!) }
        return tensor
    }

    /// Every tensor by name.
    public func tensors() throws(ToonIOError) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for entry in entries { result[entry.name] = try tensor(entry.name) }
        return result
    }
}

/// Writing ToonKit's checkpoint format (safetensors); read with `SafeTensorsFile`.
public enum SafeTensors {
    /// The metadata key under which ToonKit stores the model config as JSON.
    public static let configKey = "toonkit.config"

    /// Writes `tensors` as F32 with `metadata`, atomically, streaming each tensor's bytes to disk.
    ///
    /// The layout matches the reference writer (Python/Rust `safetensors`): tensors in byte order of
    /// their names, compact JSON, header padded with spaces to a multiple of 8. With at most one
    /// metadata key the bytes are identical to its output; it orders several keys arbitrarily, we
    /// sort them.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:],
                             to url: URL) throws(ToonIOError) {
        guard tensors["__metadata__"] == nil else {
            throw ToonIOError(url: url, .write(.failed("'__metadata__' is reserved and cannot name a tensor")))
        }
        let ordered = tensors.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let header = encodedHeader(ordered.map { ($0.key, $0.value.shape) }, metadata: metadata)
        try AtomicFile.write(to: url) { handle in
            try handle.write(contentsOf: header)
            for (_, tensor) in ordered {
                try tensor.withUnsafeBufferPointer { values in
                    guard let base = values.baseAddress, !values.isEmpty else { return }
                    #if _endian(little)
                    try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base),
                                                      count: values.count * 4, deallocator: .none))
                    #else
                    try handle.write(contentsOf: Data(values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }))
                    #endif
                }
            }
        }
    }

    /// The length prefix and padded JSON header for F32 tensors laid out in the given order.
    static func encodedHeader(_ tensors: [(name: String, shape: [Int])], metadata: [String: String]) -> Data {
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            members.append("\"__metadata__\":{" + pairs.map { JSON.quoted($0.key) + ":" + JSON.quoted($0.value) }
                .joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, shape) in tensors {
            let end = offset + Shape.count(shape) * 4
            members.append(JSON.quoted(name) + ":{\"dtype\":\"F32\",\"shape\":["
                + shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var json = Array(("{" + members.joined(separator: ",") + "}").utf8)
        // Spaces up to a multiple of 8 keep the data section (and so every F32 tensor) aligned.
        json += [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        var data = Data((0..<8).map { UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * UInt64($0))) })
        data.append(contentsOf: json)
        return data
    }
}
