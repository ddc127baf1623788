/// Why a waifu2x network could not be found or read: one line that names the file first.
public struct UpscaleError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Problem: Equatable, Sendable {
        /// The model file is absent; how to get it.
        case missingModel(String)
        /// The file is not the network its name says: what is wrong (a missing or misshapen array,
        /// a damaged archive).
        case badModel(String)
    }

    /// The model file at fault.
    public let file: String
    public let problem: Problem

    public init(file: String, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .missingModel(let how): "\(file): not found; \(how)"
        case .badModel(let why): "\(file): not a usable waifu2x network: \(why)"
        }
    }
}
