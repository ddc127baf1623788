import Foundation

/// Why a measurement could not be made: one line naming the file or folder.
public struct MetricsError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// The path is not a folder.
        case notAFolder
        /// The folder holds no PNG or JPEG image.
        case noImages
        /// The file does not exist; `partner` (the other folder's file of that name) does.
        case missingPartner(partner: String)
        /// The image's size differs from its partner's.
        case sizeMismatch(width: Int, height: Int, partner: String, partnerWidth: Int, partnerHeight: Int)
        /// Smaller than the metric's window.
        case tooSmall(width: Int, height: Int, window: Int)
        /// A weight file that is not pytorch-fid's Inception v3: a tensor missing, extra or misshapen.
        case inceptionWeights(String)
        /// A weight file that is not torchvision's VGG16: a tensor missing, extra or misshapen.
        case vggWeights(String)
        /// A weight file that is not the `lpips` package's VGG linear layers.
        case lpipsWeights(String)
        /// Fewer images than the statistic needs.
        case tooFewImages(count: Int, needed: Int)
        /// From a layer below (decoding), already worded.
        case underlying(String)
    }

    /// The file or folder at fault.
    public let file: String
    public let problem: Problem

    public init(file: String, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .notAFolder: "\(file): not a folder"
        case .noImages: "\(file): no PNG or JPEG images"
        case .missingPartner(let partner): "\(file): missing, the partner of \(partner)"
        case let .sizeMismatch(w, h, partner, pw, ph): "\(file): \(w)x\(h) pixels where its partner \(partner) has \(pw)x\(ph)"
        case let .tooSmall(w, h, window): "\(file): \(w)x\(h) pixels, smaller than the \(window)x\(window) window"
        case .inceptionWeights(let why): "\(file): not pytorch-fid's Inception weights: \(why)"
        case .vggWeights(let why): "\(file): not torchvision's VGG16 weights: \(why)"
        case .lpipsWeights(let why): "\(file): not the lpips package's VGG linear weights: \(why)"
        case let .tooFewImages(count, needed): "\(file): \(count) image\(count == 1 ? "" : "s"), the statistic needs \(needed) or more"
        case .underlying(let text): text
        }
    }
}
