extension ToonIOError {
    /// Why a dataset (a zip or folder of images, with an optional dataset.json) could not be read or
    /// written. The error's file is the image or the dataset.json concerned, or the dataset itself.
    public enum DatasetProblem: Equatable, Sendable {
        /// The zip or folder holds no PNG or JPEG images.
        case noImages
        /// An image that is not square.
        case notSquare(width: Int, height: Int)
        /// A side that is not a power of two (StyleGAN needs one).
        case notPowerOfTwo(Int)
        /// An image whose size differs from the first image's.
        case mixedResolutions(Int, expected: Int, first: String)
        /// dataset.json is not the `{"labels": [[name, [floats]], ...]}` or `{"labels": null}` layout, or
        /// it leaves out an image; the reason.
        case badLabels(String)
        /// A request the writer refuses (no images, labels of different lengths, ...).
        case badRequest(String)

        var message: String {
            switch self {
            case .noImages: "no PNG or JPEG images in the dataset"
            case .notSquare(let width, let height): "image is \(width)x\(height); dataset images must be square"
            case .notPowerOfTwo(let side): "image is \(side)x\(side); the side must be a power of two"
            case .mixedResolutions(let side, let expected, let first):
                "image is \(side)x\(side) but the first image (\(first)) is \(expected)x\(expected); all must have one resolution"
            case .badLabels(let why): "bad labels: \(why)"
            case .badRequest(let why): why
            }
        }
    }
}
