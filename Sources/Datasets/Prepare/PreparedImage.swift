import ToonIO

/// What one source file becomes: an encoded image ready for the archive, or the reason it is not.
enum PreparedImage {
    case kept(png: [UInt8], hash: PerceptualHash?, label: PrepareLabel?)
    case dropped(PrepareDropReason)

    /// Reads, checks, decodes, crops, resizes and encodes the file `name` of `source`. Pure apart
    /// from reading the source, so files can be prepared in parallel; the order-dependent duplicate
    /// test is left to the caller.
    static func make(_ name: String, from source: PrepareSource, options: PrepareOptions) -> PreparedImage {
        guard PrepareNames.isSafe(name) else { return .dropped(.unsafeName) }
        // The header first: a non-image or an oversized image costs one small read, not the whole file.
        var bytes: [UInt8], complete: Bool
        switch source.bytes(of: name, prefix: headerBytes) {
        case .success(let read): (bytes, complete) = read
        case .failure(let reason): return .dropped(reason)
        }
        guard !bytes.isEmpty else { return .dropped(.empty) }
        guard var header = ImageHeader(bytes) else { return .dropped(.notAnImage) }
        if let reason = check(header, options) { return .dropped(reason) }
        var label: PrepareLabel?
        if let labels = options.labels {
            guard let found = labels.label(for: name) else { return .dropped(.noLabel) }
            label = found
        }
        if !complete {
            switch source.bytes(of: name) {
            case .success(let read): bytes = read.bytes
            case .failure(let reason): return .dropped(reason)
            }
            // The frame header may lie past the prefix (large EXIF or ICC segments before it).
            if header.width == nil, let full = ImageHeader(bytes) {
                header = full
                if let reason = check(header, options) { return .dropped(reason) }
            }
        }
        let decoded: Image
        do { decoded = try Image.decode(bytes, path: name) } catch {
            return .dropped(reason(for: error))
        }
        if min(decoded.width, decoded.height) < options.minimumSize {
            return .dropped(.tooSmall(width: decoded.width, height: decoded.height, minimum: options.minimumSize))
        }
        let image: Image
        switch options.crop.apply(to: decoded.rgbOverBlack(), resolution: options.resolution, filter: options.filter) {
        case .success(let made): image = made
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
