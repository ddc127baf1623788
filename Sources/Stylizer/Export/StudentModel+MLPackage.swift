import Foundation
import ToonIO

// The `.mlpackage` folder around the ML Program: Manifest.json naming the two items, the Model
// protobuf in Data/com.apple.CoreML/model.mlmodel and the weights in .../weights/weight.bin. Built in a
// hidden folder beside the destination and renamed into place, so a failed export leaves nothing.

extension StudentModel {
    /// The package's files, by path inside the package, for images of `sizes` (height, width; the
    /// first is the default, and with more than one the program's H and W are flexible).
    func mlPackageFiles(sizes: [(height: Int, width: Int)]) -> [(path: String, bytes: [UInt8])] {
        let program = coreMLProgram(height: sizes[0].height, width: sizes[0].width, flexible: sizes.count > 1)
        let model = program.encoded { description in
            for input in program.inputs {
                let isImage = input.name == "image"
                let shapes = isImage && sizes.count > 1 ? sizes.map { [1, 3, $0.height, $0.width] } : []
                let shape = isImage ? [1, 3, sizes[0].height, sizes[0].width] : [1]
                description.message(1) {
                    Self.encodeFeature(input.name, shape: shape, enumerated: shapes,
                                       meaning: isImage ? "RGB in [-1, 1], [1, 3, H, W]" : "degree of toonification, 0 to 1, [1]", into: &$0)
                }
            }
            for output in program.outputs {
                description.message(10) {
                    Self.encodeFeature(output.name, shape: sizes.count > 1 ? nil : [1, 3, sizes[0].height, sizes[0].width], enumerated: [],
                                       meaning: "stylized RGB in about [-1, 1], the image's size", into: &$0)
                }
            }
            description.message(100) { metadata in
                metadata.string(1, "ToonKit stylizer student (\(config.width) wide, \(config.bridgeBlocks) bridge blocks, \(config.levels) levels)")
                metadata.string(3, "ToonKit")
                metadata.message(100) { entry in
                    entry.string(1, "toonkit.config")
                    entry.string(2, String(decoding: try! Self.sortedJSON.encode(config), as: UTF8.self))
                }
            }
        }
        return [("Manifest.json", Array(Self.manifest.utf8)),
                ("Data/com.apple.CoreML/model.mlmodel", model),
                ("Data/com.apple.CoreML/weights/weight.bin", program.weights.bytes)]
    }

    /// Writes the `.mlpackage` folder to `url`, replacing an earlier package there (never another
    /// file or folder), for images of `sizes` (height, width; the first is the default; several
    /// make the input's size flexible among them); each must pass `coreMLSizeProblem`.
    public func writeCoreML(to url: URL, sizes: [(height: Int, width: Int)]) throws(ToonIOError) {
        func failure(_ why: String) -> ToonIOError { ToonIOError(url: url, .write(.failed(why))) }
        if sizes.isEmpty { throw failure("no image size given") }
        for (height, width) in sizes {
            if let problem = coreMLSizeProblem(height: height, width: width) { throw failure(problem) }
        }
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        let exists = manager.fileExists(atPath: url.path, isDirectory: &isFolder)
        if exists && !(isFolder.boolValue && manager.fileExists(atPath: url.appendingPathComponent("Manifest.json").path)) {
            throw failure("it exists and is not an .mlpackage folder; not replacing it")
        }
        let parent = url.deletingLastPathComponent()
        let stem = ".\(url.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let building = parent.appendingPathComponent(stem), old = parent.appendingPathComponent(stem + "-old")
        defer { try? manager.removeItem(at: building) }
        do {
            try manager.createDirectory(at: building, withIntermediateDirectories: false)
            for (path, bytes) in mlPackageFiles(sizes: sizes) {
                let file = building.appendingPathComponent(path)
                try manager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(Data(bytes), to: file)
            }
        } catch let error as ToonIOError {
            throw failure(error.description)
        } catch {
            throw failure(SystemErrorText.reason(error))
        }
        if exists {
            guard rename(url.path, old.path) == 0 else { throw failure("cannot move the earlier package aside (\(SystemErrorText.lastError()))") }
        }
        guard rename(building.path, url.path) == 0 else {
            let reason = SystemErrorText.lastError()
            if exists { _ = rename(old.path, url.path) }
            throw failure("cannot rename into place (\(reason))")
        }
        if exists { try? manager.removeItem(at: old) }
    }

    /// A FeatureDescription of a Float32 multiarray: `shape` (none: any), and the `enumerated`
    /// shapes it may also take.
    private static func encodeFeature(_ name: String, shape: [Int]?, enumerated: [[Int]], meaning: String, into w: inout ProtobufWriter) {
        w.string(1, name)
        w.string(2, meaning)
        w.message(3) { type in
            type.message(5) { array in  // multiArrayType
                for size in shape ?? [] { array.int(1, size) }
                array.int(2, 65568)  // FLOAT32
                if !enumerated.isEmpty {
                    array.message(21) { shapes in
                        for each in enumerated { shapes.message(1) { s in for size in each { s.int(1, size) } } }
                    }
                }
            }
        }
    }

    /// The package manifest; the identifiers only need to be unique within it, so they are fixed and
    /// the same model always gives the same bytes.
    static let manifest = """
        {
            "fileFormatVersion": "1.0.0",
            "itemInfoEntries": {
                "6F1A6E1B-2F5C-4C83-9A55-3A0C8E5D7B10": {
                    "author": "com.apple.CoreML",
                    "description": "CoreML Model Specification",
                    "name": "model.mlmodel",
                    "path": "com.apple.CoreML/model.mlmodel"
                },
                "B3D4E0C2-7A91-4F2E-8E6B-1C5D9F0A2E47": {
                    "author": "com.apple.CoreML",
                    "description": "CoreML Model Weights",
                    "name": "weights",
                    "path": "com.apple.CoreML/weights"
                }
            },
            "rootModelIdentifier": "6F1A6E1B-2F5C-4C83-9A55-3A0C8E5D7B10"
        }

        """
}
