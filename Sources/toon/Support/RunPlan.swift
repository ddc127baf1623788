import Foundation

/// What a command will read and write, checked as a whole before any work starts: inputs are
/// regular files, outputs can be written and are none of the inputs, sizes fit the memory budget.
/// Nothing is created until every check passed, so a refused run leaves no empty folder behind.
///
/// Each command fills one plan at the top of `run()`, in this order: `read` its inputs, load what
/// it must to know sizes (the network's resolution), `requireMemory`/`requireImage` for what
/// its options ask, `write` or `writeFolder` for its outputs, then `createFolder`.
struct RunPlan {
    private var inputs: [String: FileIdentity] = [:]
    let budget = MemoryBudget.machine

    /// An input file: must exist, be a regular file and be readable. Checked with `stat` and
    /// `access` only; nothing is opened.
    mutating func read(_ path: String) throws {
        try PathCheck.requireRegularFile(path)
        inputs[path] = FileIdentity(path: path)
    }

    /// A dataset input: a readable folder of images, or a regular file (a zip).
    mutating func readDataset(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            try readFolder(path)
        } else {
            try read(path)
        }
    }

    /// An input folder: must exist, be a folder, and be readable and searchable.
    mutating func readFolder(_ path: String) throws {
        try PathCheck.requireReadableFolder(path)
        inputs[path] = FileIdentity(path: path)
    }

    /// An output file written by temp-and-rename: its folder exists, and it is not an input.
    func write(_ path: String) throws {
        try PathCheck.checkOutputFile(path, inputs: inputs)
    }

    /// An output folder (made later by `createFolder`) and the names the run writes in it.
    func writeFolder(_ path: String, names: some Sequence<String>) throws {
        try PathCheck.checkOutputFolder(path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return }
        let folder = URL(fileURLWithPath: path, isDirectory: true)
        for name in names { try PathCheck.checkExistingOutput(folder.appendingPathComponent(name).path, inputs: inputs) }
    }

    /// Refuses a run whose peak memory would exceed the budget.
    func requireMemory(_ bytes: Double, for what: String, hint: String? = nil) throws {
        try budget.require(bytes, for: what, hint: hint)
    }

    /// Refuses a grid image the PNG/JPEG encoders cannot hold (65535 a side, 2^28 pixels), before
    /// the images that would go into it are made. Sizes are Double: options can overflow Int.
    func requireImage(columns: Int, rows: Int, cell: Int, for what: String) throws {
        let width = Double(columns) * Double(cell), height = Double(rows) * Double(cell)
        if width > 65_535 || height > 65_535 || width * height > Double(1 << 28) {
            throw UsageProblem("\(what) makes a \(Self.size(width, height)) image; images are limited to 65535 pixels a side and 268 million pixels")
        }
    }

    /// Refuses video frames beyond what the format can hold (H.264 in ffmpeg: 16384 a side).
    func requireFrame(columns: Int, rows: Int, cell: Int, limit: Int, format: String, for what: String) throws {
        let width = Double(columns) * Double(cell), height = Double(rows) * Double(cell)
        if width > Double(limit) || height > Double(limit) {
            throw UsageProblem("\(what) makes \(Self.size(width, height)) frames; \(format) is limited to \(limit) pixels a side")
        }
    }

    private static func size(_ width: Double, _ height: Double) -> String {
        width < 1e15 && height < 1e15 ? "\(Int(width))x\(Int(height))" : "\(width)x\(height)"
    }

    /// Makes the output folder once the plan holds.
    func createFolder(_ path: String) throws -> URL {
        try PathCheck.createFolder(path)
    }
}
