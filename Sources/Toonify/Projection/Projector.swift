import Foundation
import StyleGAN
import ToonCore
import ToonNN

/// NVLabs' projector (stylegan2-ada-pytorch `projector.py`): finds the w (or w+) whose image is
/// closest to a target. It starts at w_avg with fresh noise maps, and each step perturbs w by a
/// shrinking Gaussian, synthesises with the noise maps, and takes one Adam step (betas 0.9, 0.999)
/// on w and the maps against the objective plus the maps' autocorrelation penalty, with NVLabs'
/// learning-rate ramps; the maps are renormalised after every step. As in NVLabs' script the
/// optimised noise maps are not part of the result: the final image is the w with the network's own
/// constant noise, which is what `toon generate --projected-w` renders.
public struct Projector: Sendable {
    public let generator: Generator
    public let objective: ProjectionObjective
    public let settings: ProjectionSettings
    public let statistics: WStatistics

    public init(generator: Generator, objective: ProjectionObjective, settings: ProjectionSettings = ProjectionSettings())
        throws(ProjectionError) {
        try settings.validate()
        guard generator.config.cDim == 0 else { throw .invalid("the network is conditional; projection takes unconditional networks") }
        guard generator.config.isStyleGAN2 else {
            throw .invalid("the network is \(generator.config.generation); projection takes StyleGAN2 networks only so far")
        }
        self.generator = generator
        self.objective = objective
        self.settings = settings
        statistics = WStatistics(generator, count: settings.wAverageSamples)
    }

    /// Where the random numbers come from: by default numpy's RandomState(seed) stream (noise maps in
    /// the generator's order, then one perturbation per step); tests give fixed values.
    public struct Randomness: Sendable {
        public var initialNoise: @Sendable (_ name: String, _ shape: [Int]) -> Tensor
        public var wPerturbation: @Sendable (_ step: Int, _ shape: [Int]) -> Tensor

        public init(initialNoise: @escaping @Sendable (String, [Int]) -> Tensor,
                    wPerturbation: @escaping @Sendable (Int, [Int]) -> Tensor) {
            self.initialNoise = initialNoise
            self.wPerturbation = wPerturbation
        }

        /// Normals from `RandomState(seed)`, drawn as the projection asks for them.
        public static func seeded(_ seed: UInt32) -> Randomness {
            let stream = RandomStream(seed: seed)
            return Randomness(initialNoise: { _, shape in stream.normal(shape) }, wPerturbation: { _, shape in stream.normal(shape) })
        }
    }

    /// One step's report.
    public struct Step: Sendable {
        /// 1-based, as NVLabs logs it.
        public let index: Int
        public let distance: Double
        public let loss: Double
        /// The optimised latent after the step, [1, numWs, wDim].
        public let ws: Tensor
    }

    /// The outcome.
    public struct Result: Sendable {
        /// [1, numWs, wDim] after the last step.
        public let ws: Tensor
        /// The distance at the last step.
        public let distance: Double
    }

    /// Projects `target` [1, 3, R, R] (values in [-1, 1], R the network's resolution). `onStep` sees
    /// every step, in order; an error it throws stops the projection and is passed on (how a caller
    /// cancels). Its own errors are `ProjectionError`s.
    public func project(_ target: Tensor, randomness: Randomness? = nil,
                        onStep: (Step) throws -> Void = { _ in }) throws -> Result {
        let r = generator.config.imageResolution
        guard target.shape == [1, 3, r, r] else { throw ProjectionError.target("shape \(target.shape), expected [1, 3, \(r), \(r)]") }
        let randomness = randomness ?? .seeded(settings.seed)
        let prepared = objective.prepare(target: target)
        let numWs = generator.numWs, d = generator.config.wDim
        let rows = settings.wPlus ? numWs : 1
        let noiseNames = generator.parameters.names.filter { $0.hasSuffix(".noise_const") }

        var state = ParameterStore()
        state.insert(statistics.average.reshaped([1, 1, d]).expanded(to: [1, rows, d]).contiguous(), named: "w")
        for name in noiseNames { state.insert(randomness.initialNoise(name, generator.parameters[name].shape), named: name) }
        var adam = Adam(learningRate: 0, betas: (0.9, 0.999), epsilon: 1e-8)
        var last = Step(index: 0, distance: .nan, loss: .nan, ws: Tensor.zeros([1, numWs, d]))
        for step in 0..<settings.steps {
            adam.learningRate = Float(settings.learningRate(at: step))
            let scale = Float(settings.wNoiseScale(at: step, wStd: statistics.standardDeviation))
            let perturbation = randomness.wPerturbation(step, [1, rows, d]) * scale
            let leaves = state.requiringGrad()
            var noisy = generator
            for name in noiseNames { noisy.parameters.update(name, to: leaves[name]) }
            let (distance, loss, gradientList) = withGradients { () -> (Tensor, Tensor, [Tensor]) in
                let w = leaves["w"] + perturbation
                let ws = settings.wPlus ? w : w.expanded(to: [1, numWs, d])
                let distance = prepared.distance(noisy.synthesis(ws: ws, noise: .const))
                let penalty = NoiseRegularization.penalty(noiseNames.map { leaves[$0] })
                let loss = distance + penalty * Float(settings.noiseRegularizationWeight)
                let names = ["w"] + noiseNames
                return (distance, loss, gradients(of: loss, wrt: names.map { leaves[$0] }))
            }
            var gradientsByName: [String: Tensor] = [:]
            for (name, g) in zip(["w"] + noiseNames, gradientList) { gradientsByName[name] = g }
            adam.step(&state, gradients: gradientsByName)
            for name in noiseNames { state.update(name, to: NoiseRegularization.normalized(state[name])) }
            let w = state["w"]
            last = Step(index: step + 1, distance: Double(distance.scalar), loss: Double(loss.scalar),
                        ws: (settings.wPlus ? w : w.expanded(to: [1, numWs, d])).contiguous())
            try onStep(last)
        }
        return Result(ws: last.ws, distance: last.distance)
    }

    /// The network's image of `ws` with its own constant noise, as the final result is shown.
    public func image(_ ws: Tensor) -> Tensor {
        withoutGradients { generator.synthesis(ws: ws, noise: .const) }
    }
}

/// A RandomState shared by the two closures of `Randomness.seeded`, which draw in call order.
private final class RandomStream: @unchecked Sendable {
    private var random: NumpyRandomState
    private let lock = NSLock()

    init(seed: UInt32) { random = NumpyRandomState(seed: seed) }

    func normal(_ shape: [Int]) -> Tensor {
        lock.lock()
        defer { lock.unlock() }
        return random.normalTensor(shape)
    }
}
