import Foundation
import StyleGAN
import ToonIO

/// Why training could not start or go on: one line naming the file where one is involved.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    public enum Problem: Sendable, Equatable {
        /// An option or architecture that cannot be trained.
        case config(String)
        /// A snapshot or run folder that cannot be read back.
        case snapshot(String)
        /// Anything from the layers below, already worded.
        case underlying(String)
    }

    public let url: URL?
    public let problem: Problem

    public init(url: URL? = nil, _ problem: Problem) {
        self.url = url
        self.problem = problem
    }

    public static func config(_ why: String) -> TrainingError { TrainingError(.config(why)) }

    init(_ error: ToonIOError) { self.init(.underlying(error.description)) }
    init(_ error: StyleGANError) { self.init(.underlying(error.description)) }
    /// From a layer below whose functions throw untyped errors (each of ours describes itself in one line).
    init(_ error: any Error) { self.init(.underlying(SystemErrorText.reason(error))) }

    public var description: String {
        let text: String = switch problem {
        case .config(let why): why
        case .snapshot(let why): why
        case .underlying(let text): text
        }
        if case .underlying = problem { return text }  // already names its file
        return url.map { "\($0.path): \(text)" } ?? text
    }
}
