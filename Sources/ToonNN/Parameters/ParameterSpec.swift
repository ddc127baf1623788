import Foundation
import ToonCore

/// What a model expects: every parameter's name, shape and initial distribution. Built by the
/// layers themselves (`declare(into:)`), used to initialise new models and to check loaded ones.
public struct ParameterSpec: Sendable {
    public enum Initializer: Sendable, Equatable {
        case zeros
        case constant(Float)
        /// Standard normal times `scale` (StyleGAN's equalized layers store N(0, 1) / lrMultiplier).
        case normal(scale: Float)
        /// These exact values, row-major (an identity matrix, StyleGAN3's input affine bias [1, 0, 0, 0]).
        case values([Float])
    }

    public struct Entry: Sendable {
        public let name: String
        public let shape: [Int]
        public let initializer: Initializer
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public mutating func declare(_ name: String, shape: [Int], _ initializer: Initializer) {
        precondition(!entries.contains { $0.name == name }, "parameter \(name) declared twice")
        entries.append(Entry(name: name, shape: shape, initializer: initializer))
    }

    /// Fresh parameters, reproducible from `seed`: each normal parameter draws from its own
    /// stream derived from the seed and its position.
    public func initialize(seed: UInt64) -> ParameterStore {
        var generator = SplitMix64(state: seed)
        return ParameterStore(entries.map { entry in
            switch entry.initializer {
            case .zeros: return (entry.name, Tensor.zeros(entry.shape))
            case .constant(let v): return (entry.name, Tensor(repeating: v, shape: entry.shape))
            case .values(let v): return (entry.name, Tensor(shape: entry.shape, scalars: v))
            case .normal(let scale):
                var values = [Float](repeating: 0, count: Shape.count(entry.shape))
                var i = 0
                while i < values.count {
                    // Box-Muller: two normals per pair of uniforms.
                    let u1 = Float(generator.nextUnit()), u2 = Float(generator.nextUnit())
                    let r = (-2 * log(Swift.max(u1, .leastNormalMagnitude))).squareRoot()
                    values[i] = r * cos(2 * .pi * u2) * scale
                    if i + 1 < values.count { values[i + 1] = r * sin(2 * .pi * u2) * scale }
                    i += 2
                }
                return (entry.name, Tensor(shape: entry.shape, scalars: values))
            }
        })
    }

    /// Checks that `store` holds exactly the declared parameters with the declared shapes.
    /// The error lists every missing, unexpected and mis-shaped name.
    public func validate(_ store: ParameterStore) throws(ParameterMismatch) {
        var problems: [String] = []
        let declared = Set(entries.map(\.name))
        for entry in entries {
            if !store.contains(entry.name) {
                problems.append("missing \(entry.name)")
            } else if store[entry.name].shape != entry.shape {
                problems.append("\(entry.name) has shape \(store[entry.name].shape), expected \(entry.shape)")
            }
        }
        for name in store.names where !declared.contains(name) { problems.append("unexpected \(name)") }
        if !problems.isEmpty { throw ParameterMismatch(problems: problems) }
    }
}

/// Loaded parameters that do not fit the model.
public struct ParameterMismatch: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String {
        let shown = problems.prefix(5).joined(separator: "; ")
        return "parameters do not match the model: \(shown)\(problems.count > 5 ? " (and \(problems.count - 5) more)" : "")"
    }
}

extension SplitMix64 {
    /// Uniform in (0, 1], for weight initialisation.
    mutating func nextUnit() -> Double { (Double(next() >> 11) + 1) / 9_007_199_254_740_992 }
}
