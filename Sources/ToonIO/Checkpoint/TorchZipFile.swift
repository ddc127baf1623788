/// torch.save's zip format (torch 1.6 and later): `<name>/data.pkl` holds the object, storages are
/// persistent ids whose data lives in `<name>/data/<key>`, stored uncompressed.
public struct TorchZipFile: Sendable {
    public let archive: ZipArchive
    /// The archive's top folder with its slash, e.g. `rosinality_16/`.
    public let prefix: String
    /// The object saved, with storages as `.persistentID` references.
    public let root: PickleValue
    public let bigEndian: Bool

    public init(_ bytes: ByteSlice, source: String, machine: PickleMachine = PickleMachine()) throws(ToonIOError) {
        let archive = try ZipArchive(bytes, source: source)
        guard let pickle = archive.entries.first(where: {
            $0.name.hasSuffix("/data.pkl") && $0.name.filter({ $0 == "/" }).count == 1
        }) else {
            throw ToonIOError(file: source, .checkpoint(.notStyleGAN("zip file without <name>/data.pkl (not a torch.save file)")))
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        let data = try archive.data(of: pickle)
        self.archive = archive
        self.prefix = prefix
        self.root = try machine.run(data, source: "\(source) (\(pickle.name))").value
        if let order = archive.entry(named: prefix + "byteorder") {
            bigEndian = try archive.data(of: order).bytes == Array("big".utf8)
        } else {
            bigEndian = false
        }
    }

    public func storage(forPersistentID pid: PickleValue) throws(ToonIOError) -> TorchStorage {
        let ref = try TorchStorageReference(pid, source: archive.source)
        guard let entry = archive.entry(named: prefix + "data/" + ref.key) else {
            throw ToonIOError(file: archive.source, .checkpoint(.badContainer("torch zip: no record data/\(ref.key)")))
        }
        return TorchStorage(element: ref.element, data: try archive.data(of: entry), bigEndian: bigEndian)
    }
}
