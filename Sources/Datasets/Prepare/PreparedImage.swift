import Faces
import ToonIO

/// What one source file (or one face in it) becomes: an encoded image ready for the archive, or
/// the reason it is not.
enum PreparedImage {
    case kept(png: [UInt8], hash: PerceptualHash?, label: PrepareLabel?)
    case dropped(PrepareDropReason)

    /// What a file gave: one outcome, or with `--crop faces` one per face found, each with its box.
    typealias Parts = [(face: FaceBox?, image: PreparedImage)]

    /// Reads, checks, decodes, crops, resizes and encodes the file `name` of `source`. Pure apart
    /// from reading the source, so files can be prepared in parallel; the order-dependent duplicate
    /// test is left to the caller.
    static func make(_ name: String, from source: PrepareSource, options: PrepareOptions) -> Parts {
        switch decode(name, from: source, options: options) {
        case .failure(let reason): return [(nil, .dropped(reason))]
        case .success(let (picture, label)):
            guard options.crop == .faces, let faces = options.faces else {
                let made = options.crop.apply(to: picture, resolution: options.resolution, filter: options.filter,
                                              upscale: options.upscale)
                return [(nil, finish(made, name: name, options: options, label: label))]
            }
            let crops = faces.crops(of: picture)
            if crops.isEmpty { return [(nil, .dropped(.noFace))] }
            return crops.map { box, crop in
                let made = crop.flatMap { options.upscale.fit($0, resolution: options.resolution, filter: options.filter) }
                return (box, finish(made, name: name, options: options, label: label))
            }
        }
    }

    /// The file's picture in RGB (alpha over black) and its label, or why it is dropped. With
    /// `--crop faces` the picture is turned upright by its EXIF orientation, for the detector.
    private static func decode(_ name: String, from source: PrepareSource,
                               options: PrepareOptions) -> Result<(Image, PrepareLabel?), PrepareDropReason> {
        guard PrepareNames.isSafe(name) else { return .failure(.unsafeName) }
        // The header first: a non-image or an oversized image costs one small read, not the whole file.
        var bytes: [UInt8], complete: Bool
        switch source.bytes(of: name, prefix: headerBytes) {
        case .success(let read): (bytes, complete) = read
        case .failure(let reason): return .failure(reason)
        }
        guard !bytes.isEmpty else { return .failure(.empty) }
        guard var header = ImageHeader(bytes) else { return .failure(.notAnImage) }
        if let reason = check(header, options) { return .failure(reason) }
        var label: PrepareLabel?
        if let labels = options.labels {
            guard let found = labels.label(for: name) else { return .failure(.noLabel) }
            label = found
        }
        if !complete {
            switch source.bytes(of: name) {
            case .success(let read): bytes = read.bytes
            case .failure(let reason): return .failure(reason)
            }
            // The frame header may lie past the prefix (large EXIF or ICC segments before it).
            if header.width == nil, let full = ImageHeader(bytes) {
                header = full
                if let reason = check(header, options) { return .failure(reason) }
            }
        }
        var decoded: Image
        do { decoded = try Image.decode(bytes, path: name) } catch {
            return .failure(reason(for: error))
        }
        if options.crop == .faces, let orientation = ExifOrientation.read(bytes) { decoded = decoded.applying(orientation) }
        if min(decoded.width, decoded.height) < options.minimumSize {
            return .failure(.tooSmall(width: decoded.width, height: decoded.height, minimum: options.minimumSize))
        }
        return .success((decoded.rgbOverBlack(), label))
    }

    /// The content checks, hash and PNG of a cropped and resized image, or why it is dropped.
    private static func finish(_ made: Result<Image, PrepareDropReason>, name: String, options: PrepareOptions,
                               label: PrepareLabel?) -> PreparedImage {
        let image: Image
        switch made {
        case .success(let done): image = done
        case .failure(let reason): return .dropped(reason)
        }
        if options.dropFlat && ImageContentChecks.isFlat(image) { return .dropped(.flat) }
        if options.dropGrayscale && ImageContentChecks.isGrayscale(image) { return .dropped(.grayscale) }
        let hash = options.dedupeDistance == nil ? nil : PerceptualHash(image)
        do {
            return .kept(png: try image.encoded(as: .png, path: name), hash: hash, label: label)
        } catch {
            return .dropped(.unsupported(error.message))
        }
    }

    /// Bytes read first from a folder's file: the signature and, in all but odd files, the frame header.
    static let headerBytes = 65_536

    /// Why the size the header declares rules the image out, if it does.
    private static func check(_ header: ImageHeader, _ options: PrepareOptions) -> PrepareDropReason? {
        guard let width = header.width, let height = header.height else { return nil }
        guard options.budget.allows(width: width, height: height) else { return .tooLarge(width: width, height: height) }
        if min(width, height) < options.minimumSize {
            return .tooSmall(width: width, height: height, minimum: options.minimumSize)
        }
        return nil
    }

    /// The drop reason for a decoder error.
    static func reason(for error: ToonIOError) -> PrepareDropReason {
        guard case .image(let problem) = error.problem else { return .corrupt(error.message) }
        switch problem {
        case .empty: return .empty
        case .notAnImage: return .notAnImage
        case .truncated: return .truncated
        case .corrupt(_, let message): return .corrupt(message)
        case .tooLarge(let width, let height): return .tooLarge(width: width, height: height)
        case .unsupported(let why): return .unsupported(why)
        case .unreadable(let why): return .unreadable(why)
        default: return .corrupt(error.message)
        }
    }
}
