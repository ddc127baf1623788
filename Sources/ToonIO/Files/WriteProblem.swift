extension ToonIOError {
    /// Why a write did not complete; the destination was left as it was.
    public enum WriteProblem: Equatable, Sendable {
        /// The reason: the operating system's, or the writer's for content it refuses.
        case failed(String)

        var message: String {
            switch self {
            case .failed(let reason): "cannot write: \(reason)"
            }
        }
    }
}
