import Faces

/// Why `DatasetPreparer` left a source file out of the dataset.
public enum PrepareDropReason: Error, Equatable, Sendable {
    /// A zip entry whose name could escape a folder (`../x.png`, `/etc/x.png`, `C:\x.png`).
    case unsafeName
    /// A zip entry with the same name as an earlier one (only the first is read).
    case repeatedName
    /// The file could not be read, or a zip entry could not be (compressed, outside the archive); the reason.
    case unreadable(String)
    /// No bytes.
    case empty
    /// Neither a PNG nor a JPEG by its first bytes.
    case notAnImage
    /// The data ends before the image does.
    case truncated
    /// The codec rejected the data; its message.
    case corrupt(String)
    /// The header declares more pixels than the budget allows (checked before decoding).
    case tooLarge(width: Int, height: Int)
    /// A valid image of a kind that is not read (12-bit JPEG, ...); the reason.
    case unsupported(String)
    /// Shorter side below `--min-size`.
    case tooSmall(width: Int, height: Int, minimum: Int)
    /// `--crop none` and the image is not square.
    case notSquare(width: Int, height: Int)
    /// `--crop center-wide` and the image is narrower than the output or too short for the band.
    case tooNarrowForWideCrop(width: Int, height: Int)
    /// `--drop-grayscale` and every pixel is (nearly) gray, whatever the file's colour type.
    case grayscale
    /// `--drop-flat` and the image is one colour.
    case flat
    /// `--dedupe` and the perceptual hash is within the threshold of an image kept earlier.
    case duplicate(of: String, distance: Int)
    /// `--labels` gives no label for the file.
    case noLabel
    /// `--crop faces` and the detector found no face.
    case noFace
    /// `--crop faces` and this face's box is narrower or shorter than `--min-face`.
    case faceTooSmall(width: Int, height: Int, minimum: Int)
    /// `--upscale none` and the square crop is smaller than the resolution.
    case smallerThanResolution(side: Int, resolution: Int)

    /// A short name for counting drops by reason in the summary.
    public var key: String {
        switch self {
        case .unsafeName: "unsafe name"
        case .repeatedName: "repeated name"
        case .unreadable: "unreadable"
        case .empty: "empty"
        case .notAnImage: "not an image"
        case .truncated: "truncated"
        case .corrupt: "corrupt"
        case .tooLarge: "too large"
        case .unsupported: "unsupported"
        case .tooSmall: "too small"
        case .notSquare: "not square"
        case .tooNarrowForWideCrop: "too small for center-wide"
        case .grayscale: "grayscale"
        case .flat: "flat"
        case .duplicate: "duplicate"
        case .noLabel: "no label"
        case .noFace: "no face"
        case .faceTooSmall: "face too small"
        case .smallerThanResolution: "smaller than the resolution"
        }
    }

    /// The reason as shown after the file's name.
    public var message: String {
        switch self {
        case .unsafeName: "unsafe name (absolute, or climbs out with ..)"
        case .repeatedName: "another zip entry has the same name"
        case .unreadable(let why): "cannot read: \(why)"
        case .empty: "empty file"
        case .notAnImage: "not an image (neither PNG nor JPEG)"
        case .truncated: "truncated image"
        case .corrupt(let why): "corrupt image: \(why)"
        case .tooLarge(let width, let height): "image too large: \(width)x\(height) (over the pixel budget)"
        case .unsupported(let why): "unsupported image: \(why)"
        case .tooSmall(let width, let height, let minimum): "too small: \(width)x\(height), shorter side under \(minimum)"
        case .notSquare(let width, let height): "not square: \(width)x\(height) (--crop none keeps square images only)"
        case .tooNarrowForWideCrop(let width, let height): "too small for --crop center-wide: \(width)x\(height)"
        case .grayscale: "grayscale"
        case .flat: "flat (a single colour)"
        case .duplicate(let other, let distance): "near-duplicate of \(other) (hash distance \(distance))"
        case .noLabel: "no label in the labels file"
        case .noFace: "no face found"
        case .faceTooSmall(let width, let height, let minimum): "face too small: \(width)x\(height), under --min-face \(minimum)"
        case .smallerThanResolution(let side, let resolution):
            "crop of \(side)x\(side) is smaller than the resolution \(resolution) (--upscale none)"
        }
    }
}

/// One source file, or one face in it, left out, and why.
public struct PrepareDrop: Equatable, Sendable {
    /// The file's path relative to the source (the zip entry's name inside a zip).
    public let name: String
    public let reason: PrepareDropReason
    /// With `--crop faces`, the face's box in the picture when the drop concerns one face only.
    public let face: FaceBox?

    public init(name: String, reason: PrepareDropReason, face: FaceBox? = nil) {
        self.name = name
        self.reason = reason
        self.face = face
    }

    /// One line: the file (and face), then the reason.
    public var description: String {
        let part = face.map { " face at \($0)" } ?? ""
        return "\(PrepareNames.printable(name))\(part): skipped, \(reason.message)"
    }
}
