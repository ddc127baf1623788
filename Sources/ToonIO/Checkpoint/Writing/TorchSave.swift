import Foundation
import ToonCore

/// A value torch.save can store and `torch.load(weights_only=True)` reads back: tensors, dicts,
/// OrderedDicts (state dicts) and plain scalars.
public indirect enum TorchSaveValue: Sendable {
    /// A float32 tensor stored under `shape` (the tensor's element count, row-major contiguous).
    case tensor(Tensor, shape: [Int])
    /// A plain `dict` with string keys, in order.
    case dict([(String, TorchSaveValue)])
    /// A `collections.OrderedDict`, as `module.state_dict()` returns.
    case orderedDict([(String, TorchSaveValue)])
    case int(Int)
    case float(Double)
    case string(String)
    case bool(Bool)
    case none

    /// A tensor stored under its own shape.
    public static func tensor(_ t: Tensor) -> TorchSaveValue { .tensor(t, shape: t.shape) }
}

/// Writes torch.save's zip format (torch 1.6 and later, as torch 2.x writes it): `<name>/data.pkl`
/// (pickle protocol 2), one raw little-endian float32 record `<name>/data/<key>` per tensor,
/// 64-byte aligned, and the `version`, `.format_version`, `.storage_alignment` and `byteorder`
/// records. Tensor bytes are streamed from the tensors to the file; the file appears atomically.
public enum TorchSave {
    public struct Options: Sendable {
        /// Write ZIP64 records even for a small file (they are written anyway past 4 GiB).
        public var forceZip64 = false
        public init(forceZip64: Bool = false) { self.forceZip64 = forceZip64 }
    }

    /// Bytes per write and per checksum pass: large enough to amortise calls, small enough to stay in cache.
    static let chunkBytes = 1 << 22

    /// Saves `value` to `url` under the archive folder `archiveName` (torch uses the file's stem).
    public static func write(_ value: TorchSaveValue, to url: URL, archiveName: String? = nil,
                             options: Options = Options()) throws(ToonIOError) {
        let name = archiveName ?? defaultArchiveName(for: url)
        var tensors: [Tensor] = []
        let root = pickleItem(value, tensors: &tensors)
        let pickle = PickleWriter.pickle(root)
        try AtomicFile.write(to: url) { handle in
            var zip = ZipWriter(handle: handle, options: .init(forceZip64: options.forceZip64))
            try zip.add("\(name)/data.pkl", bytes: pickle)
            try zip.add("\(name)/.format_version", bytes: Array("1".utf8))
            try zip.add("\(name)/.storage_alignment", bytes: Array("64".utf8))
            try zip.add("\(name)/byteorder", bytes: Array("little".utf8))
            for (key, tensor) in tensors.enumerated() {
                var crc = CRC32()
                forEachLittleEndianChunk(of: tensor) { crc.update($0) }
                try zip.add("\(name)/data/\(key)", size: UInt64(tensor.count * 4), crc: crc.value) { write in
                    try forEachLittleEndianChunk(of: tensor, write)
                }
            }
            try zip.add("\(name)/version", bytes: Array("3\n".utf8))
            try zip.finish()
        }
    }

    /// The file's stem when it is a plain name (torch does the same), otherwise "archive".
    static func defaultArchiveName(for url: URL) -> String {
        let stem = url.deletingPathExtension().lastPathComponent
        let plain = !stem.isEmpty && stem.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f || c == 0x2d
        }
        return plain ? stem : "archive"
    }

    /// The pickle of `value`; each tensor becomes a storage whose key is its index in `tensors`.
    static func pickleItem(_ value: TorchSaveValue, tensors: inout [Tensor]) -> PickleItem {
        switch value {
        case .tensor(let t, let shape):
            precondition(Shape.count(shape) == t.count, "stored shape \(shape) does not hold the tensor's \(t.count) elements")
            let key = String(tensors.count)
            tensors.append(t)
            var strides = [Int](repeating: 1, count: shape.count)
            for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
            let storage = PickleItem.persistentID(.tuple([
                .string("storage"), .global(module: "torch", name: "FloatStorage"), .string(key), .string("cpu"), .int(t.count),
            ]))
            // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks)
            return .reduce(.global(module: "torch._utils", name: "_rebuild_tensor_v2"), args: [
                storage, .int(0), .tuple(shape.map(PickleItem.int)), .tuple(strides.map(PickleItem.int)), .bool(false),
                .reduce(.global(module: "collections", name: "OrderedDict"), args: []),
            ])
        case .dict(let pairs):
            return .dict(pairs.map { (.string($0.0), pickleItem($0.1, tensors: &tensors)) })
        case .orderedDict(let pairs):
            return .reduceWithItems(.global(module: "collections", name: "OrderedDict"), args: [],
                                    items: pairs.map { (.string($0.0), pickleItem($0.1, tensors: &tensors)) })
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        }
    }

    /// The tensor's float32 data in little-endian byte order, in pieces of at most `chunkBytes`:
    /// pointers into the tensor itself on little-endian machines, swapped copies elsewhere.
    static func forEachLittleEndianChunk(of tensor: Tensor, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try tensor.withUnsafeBufferPointer { floats in
            let step = chunkBytes / 4
            var start = 0
            while start < floats.count {
                let piece = UnsafeBufferPointer(rebasing: floats[start..<min(start + step, floats.count)])
                #if _endian(big)
                let swapped = piece.map { $0.bitPattern.littleEndian }
                try swapped.withUnsafeBytes { try body($0) }
                #else
                try body(UnsafeRawBufferPointer(piece))
                #endif
                start += step
            }
        }
    }
}
