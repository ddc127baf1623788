/// torch.save's pre-zip format, which `torch.storage._load_from_bytes` reads (NVLabs pickles embed
/// one per storage) and which torch before 1.6 wrote for whole files: five pickles — magic number,
/// protocol version, system info, the object, the storage keys — then each storage's raw bytes,
/// preceded by its element count as a 64-bit integer.
public struct TorchLegacyStream: Sendable {
    /// 0x1950a86a20f9469cfc6c, little-endian, as LONG1 stores it.
    static let magic: [UInt8] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]

    public let source: String
    /// The object saved, with storages as `.persistentID` references.
    public let root: PickleValue
    public let storages: [String: TorchStorage]

    /// True when `bytes` starts with the legacy magic number pickle.
    public static func looksLikeLegacy(_ bytes: ByteSlice) -> Bool {
        bytes.count >= 14 && bytes[0] == 0x80 && bytes[2] == 0x8a && bytes[3] == 0x0a
            && (0..<10).allSatisfy { bytes[4 + $0] == magic[$0] }
    }

    public init(_ bytes: ByteSlice, source: String, machine: PickleMachine = PickleMachine()) throws(ToonIOError) {
        self.source = source
        func fail(_ why: String) -> ToonIOError { ToonIOError(file: source, .checkpoint(.badContainer("torch legacy stream: \(why)"))) }
        var at = 0
        func next() throws(ToonIOError) -> PickleResult {
            let rest = bytes.slice(at: at, length: bytes.count - at)!
            let result = try machine.run(rest, source: source)
            at += result.end
            return result
        }
        guard case .bigInt(let magic) = try next().value, magic == Self.magic else { throw fail("bad magic number") }
        guard try next().value.int == 1001 else { throw ToonIOError(file: source, .checkpoint(.unsupported("torch legacy protocol other than 1001"))) }
        let littleEndian = try next().value["little_endian"]?.bool ?? true
        let main = try next()
        guard let keys = try next().value.elements else { throw fail("storage key list is not a list") }

        var references: [String: TorchStorageReference] = [:]
        for pid in main.persistentIDs {
            let ref = try TorchStorageReference(pid, source: source)
            references[ref.key] = ref
        }
        var storages: [String: TorchStorage] = [:]
        for keyValue in keys {
            guard let key = keyValue.string else { throw fail("storage key is not a string") }
            guard let ref = references[key] else { throw fail("storage \(key) is not referenced") }
            guard let raw = bytes.unsigned(at: at, size: 8) else { throw fail("storage \(key) is truncated") }
            let count = littleEndian ? raw : raw.byteSwapped
            at += 8
            guard count <= UInt64((bytes.count - at) / ref.element.size) else { throw fail("storage \(key) is truncated") }
            let length = Int(count) * ref.element.size
            storages[key] = TorchStorage(element: ref.element, data: bytes.slice(at: at, length: length)!, bigEndian: !littleEndian)
            at += length
        }
        self.root = main.value
        self.storages = storages
    }

    /// The storage a persistent id in `root` names (a view is cut out of the storage it views).
    public func storage(forPersistentID pid: PickleValue) throws(ToonIOError) -> TorchStorage {
        let ref = try TorchStorageReference(pid, source: source)
        guard let view = ref.view else {
            guard let storage = storages[ref.key] else {
                throw ToonIOError(file: source, .checkpoint(.badContainer("torch legacy stream: storage \(ref.key) has no data")))
            }
            return storage
        }
        guard let base = storages[ref.key], view.offset <= base.count, view.count <= base.count - view.offset,
              let data = base.data.slice(at: view.offset * base.element.size, length: view.count * base.element.size) else {
            throw ToonIOError(file: source, .checkpoint(.badContainer("torch legacy stream: view \(view.key) of storage \(ref.key) is out of range")))
        }
        return TorchStorage(element: base.element, data: data, bigEndian: base.bigEndian)
    }
}
