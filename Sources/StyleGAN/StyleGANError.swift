import Foundation
import ToonIO

/// Every failure in the StyleGAN layer: the file it concerns, where there is one, and what went
/// wrong. One type for the layer, so callers catch one thing; the per-area problems live beside the
/// code that throws them. `description` is one line that names the file first.
public struct StyleGANError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Which area failed, with that area's problem.
    public enum Problem: Equatable, Sendable {
        /// A checkpoint that could not be turned into a generator; the reason.
        case checkpoint(String)
        /// A ToonIO error met while loading or saving, whose file is this error's file.
        case toonIO(ToonIOError)
        /// A generator configuration that no generator can be built from.
        case config(GeneratorConfigProblem)
        /// A configuration stored in a foreign checkpoint that ToonKit cannot map to its own.
        case foreignConfig(ForeignConfigProblem)
        /// A generator that could not be exported as a rosinality checkpoint.
        case export(ExportProblem)
        /// Latents that could not be sampled for the network (class, w shape).
        case sampling(SamplingProblem)
        /// A latent walk that cannot be laid out from its seeds.
        case latentWalk(LatentWalkProblem)
        /// A seed list that does not parse.
        case seedList(SeedListProblem)
        /// Latent directions that could not be found or applied.
        case editing(EditingProblem)
        /// Two generators that cannot be blended, or blend settings that cannot work.
        case blend(BlendProblem)
    }

    /// The checkpoint or destination file; nil where no file is involved (sampling, seed lists,
    /// configurations before they are tied to a file).
    public let file: String?
    public let problem: Problem

    public init(file: String?, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    /// An error about the file at `url`.
    public init(url: URL, _ problem: Problem) {
        self.init(file: url.path, problem)
    }

    /// A lower layer's error, reported under its own file and with its own message.
    public init(_ error: ToonIOError) {
        self.init(file: error.file, .toonIO(error))
    }

    // The areas below never concern a file; these keep their throw sites short.
    public static func config(_ problem: GeneratorConfigProblem) -> StyleGANError {
        StyleGANError(file: nil, .config(problem))
    }

    public static func foreignConfig(_ problem: ForeignConfigProblem) -> StyleGANError {
        StyleGANError(file: nil, .foreignConfig(problem))
    }

    public static func sampling(_ problem: SamplingProblem) -> StyleGANError {
        StyleGANError(file: nil, .sampling(problem))
    }

    public static func latentWalk(_ problem: LatentWalkProblem) -> StyleGANError {
        StyleGANError(file: nil, .latentWalk(problem))
    }

    public static func seedList(_ problem: SeedListProblem) -> StyleGANError {
        StyleGANError(file: nil, .seedList(problem))
    }

    public static func blend(_ problem: BlendProblem) -> StyleGANError {
        StyleGANError(file: nil, .blend(problem))
    }

    /// This error tied to `url` when it names no file yet (a configuration read from that file).
    func naming(_ url: URL) -> StyleGANError {
        file == nil ? StyleGANError(url: url, problem) : self
    }

    /// One line: the file and a colon where there is one, then the problem.
    public var description: String {
        let message = switch problem {
        case .checkpoint(let reason): reason
        case .toonIO(let error): error.message
        case .config(let problem): problem.message
        case .foreignConfig(let problem): problem.message
        case .export(let problem): problem.message
        case .sampling(let problem): problem.message
        case .latentWalk(let problem): problem.message
        case .seedList(let problem): problem.message
        case .editing(let problem): problem.message
        case .blend(let problem): problem.message
        }
        return (file.map { "\($0): " } ?? "") + message
    }
}
