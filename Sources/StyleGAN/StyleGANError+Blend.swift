extension StyleGANError {
    /// Why two generators cannot be blended (Toonify's network blending), or why its settings cannot work.
    public enum BlendProblem: Equatable, Sendable {
        /// The first parameter, in declaration order, whose shape differs; nil: absent from that model.
        case parameter(name: String, base: [Int]?, styled: [Int]?)
        /// A setting outside the weights that changes what they compute (architecture, filter, clamp).
        case setting(name: String, base: String, styled: String)
        /// A blend setting out of range (swap resolution, level, width, degree).
        case invalid(String)

        var message: String {
            switch self {
            case .parameter(let name, let base, let styled):
                "the styled model's architecture differs from the base's: \(name) is \(Self.shape(base)) in the base "
                    + "and \(Self.shape(styled)) in the styled model"
            case .setting(let name, let base, let styled):
                "the styled model's architecture differs from the base's: \(name) is \(base) in the base and \(styled) in the styled model"
            case .invalid(let why): why
            }
        }

        private static func shape(_ shape: [Int]?) -> String {
            shape.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "absent"
        }
    }
}
