import Foundation
import ToonCore

/// A plain PyTorch state dict written by `torch.save` (zip or legacy format): tensors by name, in
/// file order, e.g. pytorch-fid's Inception weights. Nothing in the file is run.
public enum TorchStateDict {
    /// Reads the state dict at `url`.
    public static func load(from url: URL) throws(ToonIOError) -> TensorSet {
        let bytes = try FileBytes.map(url)
        return try decode(bytes.all, source: url.path)
    }

    /// Decodes a whole file's bytes; `source` names it in errors.
    public static func decode(_ bytes: ByteSlice, source: String, machine: PickleMachine = PickleMachine()) throws(ToonIOError) -> TensorSet {
        guard !bytes.isEmpty else { throw ToonIOError(file: source, .checkpoint(.badContainer("empty file"))) }
        let root: PickleValue, reader: TorchTensorReader
        if ZipArchive.looksLikeZip(bytes) {
            let zip = try TorchZipFile(bytes, source: source, machine: machine)
            root = zip.root
            reader = TorchTensorReader(source: source, machine: machine) { (pid: PickleValue) throws(ToonIOError) -> TorchStorage in
                try zip.storage(forPersistentID: pid)
            }
        } else if TorchLegacyStream.looksLikeLegacy(bytes) {
            let stream = try TorchLegacyStream(bytes, source: source, machine: machine)
            root = stream.root
            reader = TorchTensorReader(source: source, machine: machine) { (pid: PickleValue) throws(ToonIOError) -> TorchStorage in
                try stream.storage(forPersistentID: pid)
            }
        } else {
            throw ToonIOError(file: source, .checkpoint(.badContainer("not a torch.save file (neither its zip nor its legacy format)")))
        }
        guard let pairs = root.dictPairs else {
            throw ToonIOError(file: source, .checkpoint(.badContainer("a torch file holding \(root.kindName), not a state dict")))
        }
        var counts = TensorLoadCounts(fileSize: bytes.count)
        var budget = VisitBudget(source: source)
        var set = TensorSet()
        for (key, value) in pairs {
            try budget.spend()
            guard let name = key.string else {
                throw ToonIOError(file: source, .checkpoint(.badContainer("a state dict key that is a \(key.kindName), not a name")))
            }
            guard let tensor = try reader.tensor(value, name: name, counts: &counts) else {
                throw ToonIOError(file: source, .checkpoint(.badTensor(name, "a \(value.kindName), not a tensor")))
            }
            try set.insert(tensor, named: name, source: source)
        }
        return set
    }
}
